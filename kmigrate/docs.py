"""Rule documentation: one source for ``--explain`` and the generated ``docs/rules/``."""

from __future__ import annotations

import inspect
from pathlib import Path

from kmigrate.engine.rule import Rule, all_rules


def render_rule(rule: Rule) -> str:
    return f"# {rule.code} {rule.name}\n\n{rule.summary}\n\n{inspect.cleandoc(rule.doc)}\n"


def render_index(rules: list[Rule]) -> str:
    lines = ["# kmigrate rules", "", "Generated from the rule modules (`python -m kmigrate.docs`). The tables "
             "behind KM4xx/KM5xx: [reference.md](reference.md).", "",
             "| code | name | what |", "| --- | --- | --- |"]
    for rule in rules:
        lines.append(f"| [{rule.code}]({rule.code}.md) | {rule.name} | {rule.summary} |")
    return "\n".join(lines) + "\n"


def _table(header: tuple[str, ...], rows) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines + [""]


def render_reference() -> str:
    """The KM4xx/KM5xx rule reference, generated from the tables in ``kmigrate/keras1/``."""
    from kmigrate.keras1 import backend, layers, modules, training

    code = "`{}`".format
    shown = {field: field for field in layers.REFERENCES}
    out = ["# Keras 1 → Keras 3 rule reference", "",
           "Generated from the tables in `kmigrate/keras1/` (`python -m kmigrate.docs`); adding a row there "
           "adds it here and to the rules. Spec: `keras1-to-keras3.md` §4.", "",
           "## [KM401](KM401.md) removed module paths", ""]
    out += _table(("Keras 1/2 module", "Keras 3 module"), ((code(m), code(t)) for m, t in modules.MODULES.items()))
    out += _table(("Keras 1/2 module without equivalent", "what to do"),
                  ((code(m), why) for m, why in modules.MODULES_WITHOUT_EQUIVALENT.items()))
    out += _table(("Keras 1/2 name", "Keras 3 name"),
                  ((code(f"{m}.{n}"), code(f"{t}.{k}")) for (m, n), (t, k) in modules.MOVED.items()))
    out += ["Names known in the Keras 3 modules:", ""]
    out += _table(("Keras 3 module", "names"), ((code(m), ", ".join(sorted(ns))) for m, ns in modules.KERAS3_NAMES.items()))
    out += _table(("name without exact equivalent (KM401, KM502)", "what to write"),
                  ((code(n), why) for n, why in modules.NO_EQUIVALENT.items()))
    out += _table(("Keras 3 module", "name it no longer holds", "what to do"),
                  ((code(m), code(n), why) for (m, n), why in modules.REMOVED_NAMES.items()))
    out += ["## [KM402](KM402.md) layer classes", ""]
    out += _table(("Keras 1 class", "Keras 3 class"), ((code(k1), code(k3)) for k1, k3 in layers.CLASSES.items()))
    out += _table(("Keras 1 alias", "of"), ((code(a), code(c)) for a, c in layers.ALIASES.items()))
    out += _table(("class", "Keras 1 positionals", "Keras 3 argument"),
                  ((code(c), ", ".join(ps), code(k3)) for c, (ps, k3) in layers.KERNEL_PARTS.items()))
    out += ["## [KM403](KM403.md) layer arguments", ""]
    out += _table(("Keras 1 argument", "Keras 3 argument"), ((code(a), code(b)) for a, b in layers.COMMON_ARGUMENTS.items()))
    out += _table(("class", "Keras 1 argument", "Keras 3 argument"),
                  ((code(c), code(a), code(b)) for c, m in layers.CLASS_ARGUMENTS.items() for a, b in m.items()))
    out += _table(("Keras 1 argument", "value", "Keras 3"),
                  ((code(a), code(repr(v)), "dropped" if k is None else code(k.format(**shown)))
                   for a, m in layers.VALUES.items() for v, k in m.items()))
    out += _table(("Keras 1 argument", "value", "Keras 3"),
                  ((code(a), code(repr(v)), code(f"{n}={c}")) for a, m in layers.VALUE_RENAMES.items() for v, (n, c) in m.items()))
    out += _table(("class", "Keras 1 default written (kind D)"),
                  ((code(c), ", ".join(code(f"{k3}={v.format(**shown)}") for _, k3, v in rows)) for c, rows in layers.DEFAULTS.items()))
    out += _table(("class", "written when the file sets the global image format to channels first"),
                  ((code(c), ", ".join(code(f"{k3}={v}") for _, k3, v in rows))
                   for c, rows in layers.CHANNELS_FIRST_DEFAULTS.items()))
    out += [f"Initializer strings kept as written (the same initializer in Keras 3): "
            f"{', '.join(code(repr(i)) for i in sorted(layers.SAME_INITIALIZERS))}; noted in the finding: "
            + "; ".join(f"{code(repr(i))}: {why}" for i, why in layers.OTHER_DISTRIBUTION.items()) + ".", ""]
    out += _table(("class", "Keras 1 parameter that wins", "dropped (Keras 1 ignored it)"),
                  ((code(c), code(a), code(b)) for c, (a, b) in layers.OVERRIDES.items()))
    out += _table(("class", "after `layer.supports_masking = True`", "Keras 3 argument"),
                  ((code(c), "the input mask passes through", code(f"{a}={v}"))
                   for c, (a, v) in layers.MASK_PASSED_THROUGH.items()))
    out += _table(("class", "Keras 1 signature (positional order)", "positionals kept"),
                  ((code(c), ", ".join(ps), layers.SAME_POSITIONAL.get(c, 0)) for c, ps in layers.SIGNATURES.items()))
    out += _table(("class", "Keras 1 argument on a Sequential's first layer", "Keras 3: before the layer"),
                  ((code(c), code(a), code(f"Input({t.format(value=a)})")) for c, (a, t) in
                   layers.FIRST_LAYER_INPUT.items()))
    out += [f"`input_dim`/`input_length` on {', '.join(code(c) for c in sorted(layers.SEQUENCE_INPUT))} become "
            f"`input_shape=(input_length, input_dim)` (Keras 3 would read `input_dim` alone as a rank-2 shape); "
            f"`input_dim` on {', '.join(code(c) for c in sorted(layers.VECTOR_INPUT))} is left as written (Keras 3 "
            f"reads it as `input_shape=(input_dim,)`, the same).", ""]
    out += _table(("class", "Keras 1 per-side argument (4-tuple or dict)", "Keras 3"),
                  ((code(c), code(a) + ": " + ", ".join(sides), code("((top, bottom), (left, right))"))
                   for c, (a, sides) in layers.PADDING_SIDES.items()))
    out += [f"Custom layers: `self.add_weight({', '.join(layers.ADD_WEIGHT)})` — positional arguments past the "
            f"{layers.ADD_WEIGHT_SAME_POSITIONAL}nd are written by keyword (Keras 3's third parameter is `dtype`).", ""]
    out += ["`border_mode='same'` is an unsafe fix unless every window is odd and every stride 1:", ""]
    out += _table(("class", "window parameters", "Keras 1 default window", "stride parameter", "stride defaults to"),
                  ((code(c), ", ".join(w), code(d) if d else "—", code(s), "the window" if pool else "1")
                   for c, (w, d, s, pool) in layers.SAME_PADDING.items()))
    out += ["## [KM501](KM501.md) layer arguments without exact equivalent", ""]
    out += _table(("class", "argument", "what to do"),
                  ((code(k[0]), code("=".join(map(str, k[1:]))), why) for k, why in layers.NO_EQUIVALENT.items()))
    out += ["## [KM404](KM404.md) training API", ""]
    out += _table(("Keras 1", "Keras 3"), ((code(f"Model({a}=)"), code(f"Model({b}=)")) for a, b in training.MODEL_ARGUMENTS.items()))
    out += _table(("method", "renames", "Keras 1 defaults written"),
                  ((code(m), ", ".join(f"{a} → {b}" for a, b in s["renames"].items()),
                    ", ".join(f"{k3}={v}" for _, k3, v in s["defaults"])) for m, s in training.METHODS.items()))
    out += ["## [KM405](KM405.md) optimizers", ""]
    out += _table(("optimizer", "Keras 1 positionals", "Keras 1 defaults written", "safety"),
                  ((code(n), ", ".join(s["params"]), ", ".join(f"{k}={v}" for k, v in s["defaults"].items()),
                    "unsafe: " + s["differs"] if s["differs"] else "safe") for n, s in training.OPTIMIZERS.items()))
    out += ["## [KM406](KM406.md) backend functions", ""]
    out += _table(("Keras 1", "Keras 3", "argument renames", "Keras 1 defaults written"),
                  ((code(f"K.{n}"), code(f"{m}.{t}"), ", ".join(f"{a} → {b}" for a, b in r.items())
                    + (" (all by keyword)" if kw else ""), ", ".join(f"{k3}={v}" for _, k3, v in d))
                   for n, (m, t, _, r, d, kw) in backend.OPS.items()))
    out += _table(("`K.image_dim_ordering()` compared with", "Keras 3 (elsewhere: Keras 1's value from it)"),
                  ((code(repr(k1)), code(f"keras.config.image_data_format() == {k3!r}"))
                   for k1, k3 in backend.IMAGE_DIM_ORDERING.items()))
    out += _table(("Keras 1", "Keras 3 expression", "when", "Keras 1 defaults, value maps"),
                  ((code(f"K.{n}({', '.join(r['params'])})"), code(w.replace("{", "").replace("}", "")),
                    f"{r['choose']}={v!r}" if v else "—",
                    ", ".join([*(f"{p}={d}" for p, d in r.get("defaults", {}).items()),
                               *(f"{p}: " + ", ".join(f"{k!r} → {m}" for k, m in vs.items())
                                 for p, vs in r.get("values", {}).items())]) or "—")
                   for n, r in backend.TEMPLATES.items()
                   for v, w in (r["write"].items() if isinstance(r["write"], dict) else [(None, r["write"])])))
    out += _table(("Keras 1", "unsafe fix: why"), ((code(f"K.{n}"), why) for n, why in backend.UNSAFE.items()))
    out += _table(("Keras 1 argument dropped", "of"), ((code(a), code(f"K.{n}")) for n, a in backend.DROPPED.items()))
    out += _table(("left as written", "Keras 3"), ((code(f"K.{n}"), why + "".join(f"; keyword `{a}=` → `{b}=`" for a, b in backend.KEPT_KEYWORDS.get(n, {}).items()))
                   for n, why in backend.KEPT.items()))
    out += ["## [KM411](KM411.md) regularizers and constraints", ""]
    out += _table(("Keras 1", "Keras 3", "argument renames", "Keras 1 defaults written"),
                  ((code(q), code(f"{q.rsplit('.', 1)[0]}.{t}"), ", ".join(f"{a} → {b}" for a, b in r.items()) or "—",
                    ", ".join(f"{k3}={v}" for _, k3, v in d) or "—")
                   for q, (t, _, r, d) in layers.WEIGHT_CALLABLES.items()))
    out += ["## [KM506](KM506.md) Keras 1 weight files", "",
            f"`get_file` calls whose literal `fname`/`origin` matches `{modules.KERAS1_WEIGHT_FILE}`: "
            f"{modules.KERAS1_WEIGHT_FILE_ADVICE}.", ""]
    out += ["## [KM503](KM503.md) backend functions without exact drop-in", ""]
    out += _table(("Keras 1", "what to write"), ((code(f"K.{n}"), why) for n, why in backend.REPORT.items()))
    out += _training_reference(code)
    return "\n".join(out)


def _training_reference(code) -> list[str]:
    """KM404/KM405 extensions and KM407-KM410, KM504, KM505: the training-side tables."""
    from kmigrate.keras1 import callbacks, losses, training, utils

    out = ["## [KM404](KM404.md) arguments Keras 1 ignored, renamed methods", ""]
    out += _table(("method", "argument dropped (Keras 1 ignored it)"),
                  ((code(m), ", ".join(code(a) for a in args)) for m, args in training.IGNORED_ARGUMENTS.items()))
    out += _table(("compile(sample_weight_mode=)", "Keras 3"),
                  ((code(repr(v)), "dropped" + (f" (unsafe: {why})" if why else "")) for v, why in training.SAMPLE_WEIGHT_MODE.items()))
    out += _table(("Keras 1 method", "Keras 3 method"), ((code(a), code(b)) for a, b in training.RENAMED_METHODS.items()))
    out += _table(("Sequential method", "Keras 1 positionals (written by keyword after y)"),
                  ((code(m), ", ".join(ps)) for m, ps in training.SEQUENTIAL_POSITIONALS.items()))
    out += ["## [KM405](KM405.md) optimizer strings and attributes", ""]
    out += _table(("compile(optimizer=)", "Keras 3 (Keras 1's defaults)"),
                  ((code(repr(s)), code(n) if training.OPTIMIZERS[n]["defaults"] else "unchanged")
                   for s, n in training.OPTIMIZER_STRINGS.items()))
    out += _table(("Keras 1 attribute", "Keras 3 attribute"),
                  ((code(f"optimizer.{a}"), code(f"optimizer.{b}")) for a, b in training.OPTIMIZER_ATTRIBUTES.items()))
    out += _table(("optimizer argument", "Keras 3"),
                  [*((code(a), "unchanged") for a in training.OPTIMIZER_ARGUMENTS_KEPT),
                   *((code(a), f"{code(b)} in a Keras 1 file (safe): {why}")
                     for a, (b, why) in training.OPTIMIZER_ARGUMENTS_KERAS1.items()),
                   (", ".join(code(a) for a in training.CLIP_ARGUMENTS) + " together", "reported: " + training.CLIP_BOTH),
                   *((code(a), f"dropped (unsafe): {why}") for a, why in training.OPTIMIZER_ARGUMENTS_DROPPED.items())])
    out += ["## [KM407](KM407.md) generator methods", ""]
    out += _table(("Keras 1 method", "Keras 3 method", "Keras 1 positionals", "written"),
                  ((code(m), code(k3), ", ".join(ps), ", ".join(f"{a}={v}" for a, v in quiet))
                   for m, (k3, ps, quiet) in training.GENERATOR_METHODS.items()))
    out += _table(("Keras 1 argument", "Keras 3"),
                  ((code(a), code(h) if isinstance(h, str) else (f"{code(h[1])} = ceil(samples / batch_size)"
                                                                 if h[0] == "steps" else f"dropped: {h[1]}"))
                   for a, h in training.GENERATOR_ARGUMENTS.items()))
    out += _table(("iterator", "Keras 1 default batch size"),
                  ((code(m), b) for m, b in training.DEFAULT_BATCH_SIZES.items()))
    out += ["## [KM408](KM408.md) callbacks", ""]
    out += _table(("callback", "Keras 1 positionals", "patience written", "not exact when"),
                  ((code(n), ", ".join(s["params"]), code("p + 1") + f" (default {s['patience']} + 1)",
                    s["inexact"][1] if s["inexact"] else "—") for n, s in callbacks.PATIENCE.items()))
    out += _table(("callback", "Keras 1 argument", "Keras 3 argument"),
                  ((code(c), code(a), code(b)) for c, m in callbacks.ARGUMENTS.items() for a, b in m.items()))
    out += _table(("callback", "mode='auto' in Keras 1 → 'max' when the monitor contains"),
                  ((code(c), ", ".join(code(p) for p in ps)) for c, ps in callbacks.AUTO_MAX.items()))
    out += [f"Unchanged in Keras 3: {', '.join(code(c) for c in sorted(callbacks.UNCHANGED))}.", ""]
    out += _table(("ModelCheckpoint", "Keras 3"),
                  ((code(f"{callbacks.CHECKPOINT_PERIOD[0]}={callbacks.CHECKPOINT_PERIOD[1]}"), "dropped"),
                   (code(callbacks.CHECKPOINT_PERIOD[0]) + "=N", "reported: " + callbacks.CHECKPOINT_PERIOD[2]),
                   (code("save_weights_only=True"),
                    f"reported unless the file name ends in {code(callbacks.CHECKPOINT_WEIGHTS_SUFFIX)}"),
                   ("whole model", "reported unless the file name ends in "
                    + " or ".join(code(x) for x in callbacks.CHECKPOINT_MODEL_SUFFIXES))))
    out += ["## [KM409](KM409.md) utility functions", ""]
    out += _table(("Keras 1", "Keras 3", "argument changes", "Keras 1 defaults written", "not exact when"),
                  ((code(q), code(".".join(r["target"])),
                    ", ".join([f"{a} → {b}" for a, b in r["renames"].items()]
                              + [f"{a}={v!r} → " + (f"{m[0]}={m[1]}" if m else "dropped")
                                 for a, vs in r["values"].items() for v, m in vs.items()]
                              + [f"positionals after {r['same']} by keyword"]),
                    ", ".join(f"{k3}={v}" for _, k3, v in r["defaults"]), r["inexact"] or "—")
                   for q, r in utils.FUNCTIONS.items()))
    out += _table(("Keras 1 argument", "passed through", "why"),
                  ((code(f"{q.rsplit('.', 1)[1]}({a})"), code(f"{m}.{f}"), why)
                   for q, r in utils.FUNCTIONS.items() for a, (m, f, why) in r["wrap"].items()))
    out += _table(("unchanged in Keras 3", "Keras 3"), ((code(q), why) for q, why in utils.UNCHANGED.items()))
    out += ["## [KM410](KM410.md) loss strings", ""]
    out += _table(("Keras 1 loss", "Keras 3", "safety"),
                  [*((code(repr(a)), code(repr(b)), "safe") for a, b in losses.LOSS_STRINGS.items()),
                   *((code(repr(a)), code(losses.COSINE_LAMBDA.format(fn=".".join(losses.COSINE_TARGET))),
                      "unsafe: " + losses.COSINE_INEXACT) for a in sorted(losses.COSINE_LOSSES)),
                   *((code(repr(a)), code(f.format(ops="keras.ops")), "report (Keras 1 files): " + losses.LABEL_CONVERSION)
                     for a, f in losses.LABEL_CONVERTING_LOSSES.items())])
    out += [f"Loss strings left alone (the same function): {', '.join(code(repr(x)) for x in sorted(losses.KERAS3_SAME_LOSSES))}.",
            ""]
    out += ["## [KM504](KM504.md) removed training-side names", ""]
    out += _table(("Keras 1", "what to write"),
                  [*((code(q), why) for q, why in {**utils.REMOVED, **training.REMOVED_NAMES}.items()),
                   *((code(f"Sequential.{m}"), why) for m, why in training.REMOVED_METHODS.items())])
    out += ["## [KM505](KM505.md) metric strings", ""]
    out += _table(("Keras 1 metric", "what to write"),
                  ((code(repr(m)) + (" (Keras 1 files only)" if m in losses.METRICS_KERAS3_VALID else ""), why)
                   for m, why in losses.METRIC_STRINGS.items()))
    out += _table(("metric string", "Keras 1 logged it as", "Keras 3 logs it as"),
                  ((code(repr(m)), code(repr(k)), code(repr(m))) for m, k in losses.METRIC_LOGGED_AS.items()))
    return out


def generated_files() -> dict[str, str]:
    """File name under ``docs/rules/`` → content."""
    rules = all_rules().rules
    files = {f"{rule.code}.md": render_rule(rule) for rule in rules}
    files["README.md"] = render_index(rules)
    files["reference.md"] = render_reference()
    return files


def write(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("KM*.md"):
        if stale.name not in generated_files():
            stale.unlink()
    for name, content in generated_files().items():
        (folder / name).write_text(content, encoding="utf-8")


if __name__ == "__main__":
    write(Path(__file__).resolve().parent.parent / "docs" / "rules")
