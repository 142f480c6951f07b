"""What KM202 and KM203 share: finding every ``Sequential`` that starts with a ``Merge`` layer, deciding
whether its code can be restructured exactly into a functional ``Model`` (spec §2), and building that
restructure.

The analysis runs once per file (``analyse``, memoised in ``ctx.cache``).  Every ``Merge(...)`` that is
not applied functionally (KM201) ends up in exactly one of two places: a ``MergeModel`` of a
``Component`` that KM202 rewrites, or a ``Report`` (KM203) that says why it cannot be rewritten.

Keras 1 wires all these models into one graph: a ``Merge`` consumes the output tensors its sub-models
already have, and the model's inputs are the source inputs of that graph, depth-first, duplicates
dropped.  The rewrite reproduces that graph: one ``Input`` per leaf ``Sequential`` (called once, its
output tensor shared where Keras 1 shared it), the tensors of functional sub-models used as they are,
and nested merge models used through their ``.output``.  Models that reach each other through
nesting or a shared sub-model form a component and are rewritten by one fix.
"""

from __future__ import annotations

import dataclasses

import libcst as cst

from kmigrate.engine import tree
from kmigrate.engine.context import FileContext
from kmigrate.engine.resolve import Resolver, Scope
from kmigrate.engine.rule import ImportRequest
from kmigrate.keras1 import merge as merge_table
from kmigrate.keras1 import sequential as table
from kmigrate.rules import _cosine, _evidence, _merge
from kmigrate.rules import km101_merge_modes as km101
from kmigrate.rules import km301_merge_cos as km301

_MAX_DEPTH = 16
_EMPTY = cst.Module([])


def code(node: cst.CSTNode) -> str:
    return _EMPTY.code_for_node(node)


def short(node: cst.CSTNode, limit: int = 60) -> str:
    text = " ".join(code(node).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# -- facts about the file, computed once ----------------------------------------------------------
class _Index:
    """Pre-order position of every statement, and every ``Name`` node by its identifier."""

    def __init__(self, ctx: FileContext):
        statements = (cst.SimpleStatementLine, cst.BaseCompoundStatement)
        # Expressions hold no statements (lambdas cannot): walk statement bodies only.
        prune = lambda n: isinstance(n, cst.SimpleStatementLine) or isinstance(n, cst.BaseExpression)
        self.order: dict[cst.CSTNode, int] = {}
        for node in tree.descendants(ctx.module, prune):
            if isinstance(node, statements):
                self.order[node] = len(self.order)
        self.names: dict[str, list[cst.Name]] = ctx.resolver.names


@dataclasses.dataclass
class Leaf:
    """A sub-model that does not start with a ``Merge``: a ``Sequential`` or a functional ``Model``."""

    name: str
    functional: bool
    input_args: list[cst.Arg] = dataclasses.field(default_factory=list)  # of the new Input (Sequential)
    input_names: tuple[str, ...] = ()  # the Input tensors a functional model was built on
    rank: int | None = None  # of its output, when the file proves it
    unsafe: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class MergeModel:
    name: str
    merge: cst.Call  # the Merge(...) call
    bound: _merge.BoundCall
    replacement: _merge.Replacement
    members: list[str]  # sub-models in Merge-list order (aliases resolved, duplicates kept)
    creation: cst.SimpleStatementLine  # ``name = Sequential(...)``
    merge_definition: cst.SimpleStatementLine | None  # ``m = Merge(...)`` when the Merge is bound first
    merge_add: cst.SimpleStatementLine | None  # ``name.add(Merge(...))``; None in ``Sequential([Merge(...)])``
    later_adds: list[cst.SimpleStatementLine]  # every ``.add`` after the Merge, in order
    list_layers: int  # layers after the Merge inside ``Sequential([...])``
    model_name: cst.Arg | None  # ``Sequential(name=...)``
    unsafe: list[str] = dataclasses.field(default_factory=list)
    key: str = ""  # identifies the model among sub-models (``name@statement``)

    @property
    def anchor(self) -> cst.SimpleStatementLine:
        """Where the new statements start: the first ``.add`` after the Merge (spec'd by the issue)."""
        if self.list_layers or not self.later_adds:
            return self.merge_add or self.creation
        return self.later_adds[0]

    @property
    def last(self) -> cst.SimpleStatementLine:
        return self.later_adds[-1] if self.later_adds else self.anchor


@dataclasses.dataclass
class Report:
    merge: cst.Call
    reason: str


@dataclasses.dataclass
class Component:
    models: list[MergeModel]  # in the order of their anchors
    leaves: dict[str, Leaf]

    def unsafe(self, ctx: FileContext) -> list[str]:
        reasons: list[str] = []
        for model in self.models:
            reasons += [r for r in model.unsafe if r not in reasons]
        for leaf in self.leaves.values():
            reasons += [r for r in leaf.unsafe if r not in reasons]
        nested = [leaf.name for leaf in self.leaves.values() if not leaf.functional]
        if nested and _loads_by_name(ctx):
            reasons.append(
                "the file calls load_weights(..., by_name=True): Keras 3 looks only at the top-level layers, so the "
                f"layers inside {_names(nested)} (nested Sequential models) would silently load nothing by name"
            )
        positional = _positional_weights(ctx, {m.name for m in self.models})
        if positional:
            reasons.append(f"the file loads positional weights ({positional}): the functional model orders its layers "
                           "differently from Keras 1, so the weights would go to the wrong layers")
        return reasons


@dataclasses.dataclass
class Analysis:
    components: list[Component]
    reports: list[Report]


def _names(names) -> str:
    return ", ".join(f"`{n}`" for n in names)


def _loads_by_name(ctx: FileContext) -> bool:
    return "by_name" in ctx.text and any(
        _keyword_true(call, "by_name") for call in _method_calls(ctx, "load_weights"))


def _keyword_true(call: cst.Call, name: str) -> bool:
    for index, arg in enumerate(call.args):
        if (arg.keyword is not None and arg.keyword.value == name) or (arg.keyword is None and index == 1):
            return not (isinstance(arg.value, cst.Name) and arg.value.value in ("False", "None"))
    return False


def _method_calls(ctx: FileContext, method: str) -> list[cst.Call]:
    index = _index(ctx)
    found = []
    for name in index.names.get(method, ()):
        attribute = ctx.parent(name)
        call = ctx.parent(attribute)
        if isinstance(attribute, cst.Attribute) and attribute.attr is name and isinstance(call, cst.Call) \
                and call.func is attribute:
            found.append(call)
    return found


def _positional_weights(ctx: FileContext, models: set[str]) -> str | None:
    for method in ("load_weights", "set_weights"):
        for call in _method_calls(ctx, method):
            receiver = call.func.value
            if isinstance(receiver, cst.Name) and receiver.value in models and not (
                    method == "load_weights" and _keyword_true(call, "by_name")):
                return short(call)
    return None


def _index(ctx: FileContext) -> _Index:
    key = "sequential.index"
    if key not in ctx.cache:
        ctx.cache[key] = _Index(ctx)
    return ctx.cache[key]


# -- scopes and bindings -------------------------------------------------------------------------
def scope_of(ctx: FileContext, node: cst.CSTNode) -> Scope:
    """The innermost scope a node's names are looked up in."""
    return ctx.resolver.scope_at(node)


lookup = Resolver.lookup


def assigned_value(ctx: FileContext, binding) -> tuple[cst.SimpleStatementLine, cst.BaseExpression] | None:
    """``(statement, value)`` of a binding that is a plain ``name = value`` statement."""
    target = binding.node
    if not isinstance(target, cst.AssignTarget) or not isinstance(target.target, cst.Name):
        return None
    assign = ctx.parent(target)
    line = ctx.parent(assign)
    if not isinstance(assign, cst.Assign) or len(assign.targets) != 1 or not isinstance(line, cst.SimpleStatementLine) \
            or len(line.body) != 1:
        return None
    return line, assign.value


def add_of(statement: cst.CSTNode) -> tuple[str, cst.BaseExpression] | None:
    """``(receiver, layer)`` of a statement that is exactly ``receiver.add(layer)``."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    expr = statement.body[0]
    if not isinstance(expr, cst.Expr) or not isinstance(expr.value, cst.Call):
        return None
    call = expr.value
    if not (isinstance(call.func, cst.Attribute) and call.func.attr.value == "add" and isinstance(call.func.value, cst.Name)):
        return None
    if len(call.args) != 1 or call.args[0].keyword is not None or call.args[0].star:
        return None
    return call.func.value.value, call.args[0].value


def _bind_call(call: cst.Call, params: tuple[str, ...], renames: dict[str, str] | None = None) -> _merge.BoundCall | None:
    if renames:
        args = [a.with_changes(keyword=cst.Name(renames[a.keyword.value]))
                if a.keyword is not None and a.keyword.value in renames else a for a in call.args]
        call = call.with_changes(args=args)
    return _merge.bind(call, params)


# -- the analysis --------------------------------------------------------------------------------
class _Unsupported(Exception):
    """Why a construct cannot be restructured exactly (becomes a KM203 message)."""


class _Analyser:
    def __init__(self, ctx: FileContext):
        self.ctx = ctx
        self.index = _index(ctx)
        self.models: dict[str, MergeModel] = {}  # by binding statement (model name + scope)
        self.model_keys: dict[cst.Call, str] = {}
        self.leaves: dict[str, Leaf] = {}
        self.failed: dict[str, str] = {}  # model key -> reason
        self.claimed: set[cst.Call] = set()  # Merge calls explained by a model

    # Keys are ``name@order-of-binding-statement`` so two functions' ``model`` never mix.
    def key(self, name: str, statement: cst.CSTNode) -> str:
        return f"{name}@{self.index.order[statement]}"

    def is_merge(self, node: cst.BaseExpression) -> bool:
        return isinstance(node, cst.Call) and self.ctx.qualified_name(node.func) in merge_table.MERGE_LAYERS

    def is_class(self, node: cst.BaseExpression, classes: frozenset[str]) -> bool:
        return isinstance(node, cst.Call) and self.ctx.qualified_name(node.func) in classes

    # -- entry points ----------------------------------------------------------------------------
    def merge_site(self, merge: cst.Call) -> tuple[str, cst.CSTNode, Scope]:
        """The model a ``Merge(...)`` call starts: ``(model name, statement binding it, its scope)``."""
        ctx = self.ctx
        parent = ctx.parent(merge)
        statement = ctx.statement_of(merge)
        receiver = None
        if isinstance(parent, cst.Arg):
            outer = ctx.parent(parent)
            if isinstance(outer, cst.Call) and isinstance(outer.func, cst.Attribute) and outer.func.attr.value == "add":
                receiver = outer.func.value
            elif isinstance(outer, cst.Call) and self.is_class(outer, table.SEQUENTIAL_CLASSES):
                raise _Unsupported("the Merge layer is passed to Sequential(...) but not as the first of a literal list")
        elif isinstance(parent, cst.Element):
            listing = ctx.parent(parent)
            arg = ctx.parent(listing)
            outer = ctx.parent(arg)
            if isinstance(outer, cst.Call) and self.is_class(outer, table.SEQUENTIAL_CLASSES):
                if listing.elements[0] is not parent:
                    raise _Unsupported("the Merge layer is not the first layer of the Sequential")
                return self.created_model(outer, statement)
        elif isinstance(parent, cst.Assign) and statement is not None and add_of(statement) is None:
            target = parent.targets[0].target if len(parent.targets) == 1 else None
            if isinstance(target, cst.Name):
                return self.merge_variable(merge, target.value, statement)
        if receiver is None:
            raise _Unsupported("the Merge layer is used in a way kmigrate cannot follow (not `model.add(Merge(...))`, "
                               "`Sequential([Merge(...), ...])` or `m = Merge(...)` added once)")
        return self.receiver(receiver, statement, merge)

    def merge_variable(self, merge: cst.Call, name: str, statement: cst.CSTNode):
        scope = scope_of(self.ctx, merge)
        _, bindings = lookup(scope, name)
        if len(bindings) != 1:
            raise _Unsupported(f"`{name}` (the Merge layer) is assigned more than once")
        uses = [n for n in self.index.names.get(name, ()) if n is not bindings[0].node.target]
        uses = [n for n in uses if lookup(scope_of(self.ctx, n), name)[1] is bindings]
        if len(uses) != 1:
            raise _Unsupported(f"the Merge layer `{name}` is used {len(uses)} times; kmigrate can follow it only when "
                               "it is added to one Sequential once")
        use = uses[0]
        use_statement = self.ctx.statement_of(use)
        found = add_of(use_statement)
        if found is not None and found[1] is use:
            receiver = use_statement.body[0].value.func.value
            return self.receiver(receiver, use_statement, merge)
        element = self.ctx.parent(use)
        if isinstance(element, cst.Element):
            outer = self.ctx.parent(self.ctx.parent(self.ctx.parent(element)))
            if self.is_class(outer, table.SEQUENTIAL_CLASSES) and self.ctx.parent(element).elements[0] is element:
                return self.created_model(outer, use_statement)
        raise _Unsupported(f"the Merge layer `{name}` is not added with `model.add({name})` or as the first layer of "
                           "`Sequential([...])`")

    def created_model(self, sequential: cst.Call, statement: cst.CSTNode):
        assign = self.ctx.parent(sequential)
        if not isinstance(assign, cst.Assign) or len(assign.targets) != 1 or not isinstance(assign.targets[0].target, cst.Name):
            raise _Unsupported("the Sequential starting with Merge is not assigned to a name")
        return assign.targets[0].target.value, statement, scope_of(self.ctx, sequential)

    def receiver(self, receiver: cst.BaseExpression, statement: cst.CSTNode, merge: cst.Call):
        ctx = self.ctx
        if isinstance(receiver, cst.Name) and receiver.value == "self":
            cls = next((a for a in ctx.ancestors(merge) if isinstance(a, cst.ClassDef)), None)
            if cls is not None and any(self.ctx.qualified_name(b.value) in table.SEQUENTIAL_CLASSES for b in cls.bases):
                raise _Unsupported(
                    f"class `{cls.name.value}` subclasses Sequential and adds a Merge layer to itself: a Keras 3 "
                    f"Sequential has one input; write `{cls.name.value}` as a function that builds and returns "
                    "`Model(inputs=[...], outputs=...)`")
        if not isinstance(receiver, cst.Name):
            raise _Unsupported(f"the model `{short(receiver)}` is not a plain variable: the model is built across "
                               "methods or objects")
        scope = scope_of(ctx, receiver)
        owner, bindings = lookup(scope, receiver.value)
        if owner is None or not bindings:
            raise _Unsupported(f"`{receiver.value}` is not created in this file")
        if owner is not scope:
            raise _Unsupported(f"the model is built across functions: `{receiver.value}` is created outside the "
                               "function that adds the Merge layer")
        if len(bindings) != 1:
            if any(isinstance(b.node, cst.Param) for b in bindings):
                raise _Unsupported(f"the model is built across functions: `{receiver.value}` is a parameter")
            raise _Unsupported(f"`{receiver.value}` is assigned more than once")
        if isinstance(bindings[0].node, cst.Param):
            raise _Unsupported(f"the model is built across functions: `{receiver.value}` is a parameter")
        found = assigned_value(ctx, bindings[0])
        if found is None or not self.is_class(found[1], table.SEQUENTIAL_CLASSES):
            raise _Unsupported(f"`{receiver.value}` is not bound by a plain `{receiver.value} = Sequential(...)`")
        return receiver.value, found[0], scope

    # -- one model ---------------------------------------------------------------------------------
    def model(self, merge: cst.Call, depth: int = 0) -> MergeModel:
        name, creation, scope = self.merge_site(merge)
        key = self.key(name, creation)
        if key in self.failed:
            raise _Unsupported(self.failed[key])
        if key in self.models:
            return self.models[key]
        if depth > _MAX_DEPTH:
            raise _Unsupported("Merge models nested too deeply")
        try:
            model = self._model(merge, name, creation, scope, depth)
        except _Unsupported as exc:
            self.failed[key] = str(exc)
            raise
        model.key = key
        self.models[key] = model
        self.model_keys[merge] = key
        return model

    def _model(self, merge: cst.Call, name: str, creation: cst.SimpleStatementLine, scope: Scope, depth: int):
        ctx = self.ctx
        block = ctx.parent(creation)
        sequential = creation.body[0].value
        bound_seq = _merge.bind(sequential, table.SEQUENTIAL_PARAMS)
        if bound_seq is None or bound_seq.dynamic:
            raise _Unsupported(f"Sequential(...) call of `{name}` that kmigrate cannot read")
        layers = bound_seq.value("layers")
        if layers is not None and isinstance(layers, cst.Name) and layers.value == "None":
            layers = None
        if layers is not None and (not isinstance(layers, (cst.List, cst.Tuple)) or not layers.elements
                                   or any(isinstance(e, cst.StarredElement) for e in layers.elements)):
            raise _Unsupported(f"the layers of `{name}` are not a literal list")

        # Every use of the model's name in its scope.
        adds: list[cst.SimpleStatementLine] = []
        others: list[cst.Name] = []
        target = creation.body[0].targets[0].target
        for use in self.index.names.get(name, ()):
            if use is target or lookup(scope_of(ctx, use), name)[0] is not scope:
                continue
            statement = ctx.statement_of(use)
            found = add_of(statement)
            if found is not None and found[0] == name and statement.body[0].value.func.value is use:
                if ctx.parent(statement) is not block:
                    raise _Unsupported(f"`{name}.add(...)` {_where(ctx, statement, block)}: the layers it adds depend on "
                                       "how the code runs")
                adds.append(statement)
            else:
                others.append(use)
        order = self.index.order
        adds.sort(key=order.__getitem__)

        merge_statement = ctx.statement_of(merge)
        list_layers = 0
        if layers is not None:
            if not self.is_this_merge(layers.elements[0].value, merge):
                raise _Unsupported(f"the Merge layer is not the first layer of `{name}`")
            merge_add = None
            later = adds
            list_layers = len(layers.elements) - 1
        else:
            if not adds or not self.is_this_merge(add_of(adds[0])[1], merge):
                raise _Unsupported(f"the Merge layer is not the first layer added to `{name}`")
            merge_add = adds[0]
            later = adds[1:]
        merge_definition = merge_statement if merge_statement not in (creation, merge_add) else None
        if merge_definition is not None and ctx.parent(merge_definition) is not block:
            raise _Unsupported("the Merge layer is created in another block than the model")
        last_statement = later[-1] if later else (merge_add or creation)
        for use in others:
            reason = self.use_problem(use, name, last_statement)
            if reason:
                raise _Unsupported(reason)

        bound = _merge.bind(merge, merge_table.MERGE_LAYER_PARAMS)
        if bound is None or bound.dynamic:
            raise _Unsupported("a Merge(...) call that kmigrate cannot read (its arguments do not fit Keras 1's "
                               "signature or go through *args/**kwargs)")
        for unsupported in ("node_indices", "tensor_indices"):
            if unsupported in bound.args:
                raise _Unsupported(f"Merge(..., {unsupported}=...) picks other outputs of the sub-models")
        listing = bound.value("layers")
        if not isinstance(listing, (cst.List, cst.Tuple)) or not listing.elements or \
                not all(isinstance(e.value, cst.Name) and not isinstance(e, cst.StarredElement) for e in listing.elements):
            raise _Unsupported("the Merge layer's sub-models are not a literal list of model names")
        mode = _merge.classify_mode(ctx, bound)
        with_inputs = _merge.BoundCall({**bound.args, "inputs": cst.Arg(listing)}, False)
        if mode.kind != _merge.CALLABLE and (mode.kind != _merge.STRING):
            raise _Unsupported(unknown_mode(mode))

        members: list[str] = []
        merge_order = order[merge_statement]
        ranks: list[int | None] = []
        for element in listing.elements:
            member, rank = self.member(element.value, merge, merge_order, depth)
            members.append(member)
            ranks.append(rank)
        following = self.following_layers(layers, list_layers, later)
        absorbed = following is not None and _evidence._absorbing_layer(ctx, following)
        replacement, unsafe = merge_layer(ctx, mode, with_inputs, ranks, absorbed, None)
        model_name = bound_seq.args.get("name")
        return MergeModel(name, merge, bound, replacement, members, creation, merge_definition, merge_add, later,
                          list_layers, model_name, unsafe)

    def is_this_merge(self, node: cst.BaseExpression, merge: cst.Call) -> bool:
        return node is merge or (isinstance(node, cst.Name) and self.merge_name(node) is merge)

    def following_layers(self, layers, list_layers: int, later: list) -> cst.BaseExpression | None:
        if list_layers:
            return layers.elements[1].value
        return add_of(later[0])[1] if later else None

    def use_problem(self, use: cst.Name, name: str, last: cst.CSTNode) -> str | None:
        ctx = self.ctx
        statement = ctx.statement_of(use)
        attribute = ctx.parent(use)
        if isinstance(attribute, cst.Attribute) and attribute.value is use:
            subscript = ctx.parent(attribute)
            if attribute.attr.value == "layers" and isinstance(subscript, cst.Subscript):
                return (f"`{short(subscript)}` indexes the layers of `{name}`: the functional model's layer list "
                        "differs (Keras 1's first layer is the Merge, Keras 3's are the Inputs)")
            if attribute.attr.value == "add":
                return f"`{short(statement)}`: an `.add` that is not a plain `{name}.add(layer)` statement of its own"
            if attribute.attr.value in table.SEQUENTIAL_ONLY_METHODS:
                return f"`{short(statement)}`: a functional Model has no `{attribute.attr.value}`"
        if self.index.order[statement] < self.index.order[last]:
            return f"`{name}` is used before its last `.add` (`{short(statement)}`)"
        arg = ctx.parent(use)
        call = ctx.parent(arg) if isinstance(arg, cst.Arg) else None
        if isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and self.adds_to_parameter(call.func):
            return (f"the model is built across functions: `{short(call)}` passes `{name}` to a function that calls "
                    "`.add` on it")
        return None

    def adds_to_parameter(self, func: cst.Name) -> bool:
        _, bindings = lookup(scope_of(self.ctx, func), func.value)
        for binding in bindings:
            if isinstance(binding.node, cst.FunctionDef):
                params = {p.name.value for p in binding.node.params.params}
                for call in _method_calls(self.ctx, "add"):
                    receiver = call.func.value
                    if isinstance(receiver, cst.Name) and receiver.value in params and any(
                            a is binding.node for a in self.ctx.ancestors(call)):
                        return True
        return False

    # -- sub-models --------------------------------------------------------------------------------
    def member(self, node: cst.Name, merge: cst.Call, merge_order: int, depth: int) -> tuple[str, int | None]:
        """The key of a sub-model (alias chains followed), and the rank of its output when proven."""
        ctx = self.ctx
        name = node.value
        scope = scope_of(ctx, node)
        for _ in range(_MAX_DEPTH):
            owner, bindings = lookup(scope, name)
            if owner is None or len(bindings) != 1:
                raise _Unsupported(f"cannot tell which model the sub-model `{name}` is "
                                   f"({'not created in this file' if owner is None else 'assigned more than once'})")
            found = assigned_value(ctx, bindings[0])
            if isinstance(bindings[0].node, cst.Param):
                raise _Unsupported(f"the sub-model `{name}` is a parameter: its layers and input shape are not in "
                                   "this function")
            if found is None:
                raise _Unsupported(f"the sub-model `{name}` is not bound by a plain assignment")
            statement, value = found
            if isinstance(value, cst.Name):
                name, scope = value.value, owner
                continue
            break
        else:
            raise _Unsupported(f"the aliases of `{name}` go too deep")
        if self.is_class(value, table.MODEL_CLASSES):
            key = self.key(name, statement)
            if key not in self.leaves:
                self.leaves[key] = self.functional_leaf(name, value, statement)
            return key, self.leaves[key].rank
        if not self.is_class(value, table.SEQUENTIAL_CLASSES):
            raise _Unsupported(f"the sub-model `{name}` is neither a Sequential nor a functional Model of this file")
        layers = self.sequential_layers(name, value, statement, owner, merge_order)
        first = layers[0]
        if self.is_merge(first) or (isinstance(first, cst.Name) and self.merge_name(first)):
            merge_call = first if self.is_merge(first) else self.merge_name(first)
            try:
                self.model(merge_call, depth + 1)
            except _Unsupported as exc:
                raise _Unsupported(f"its sub-model `{name}` cannot be restructured: {exc}") from None
            return self.model_keys[merge_call], None
        key = self.key(name, statement)
        if key not in self.leaves:
            self.leaves[key] = self.sequential_leaf(name, layers)
        return key, self.leaves[key].rank

    def merge_name(self, node: cst.Name) -> cst.Call | None:
        _, bindings = lookup(scope_of(self.ctx, node), node.value)
        found = assigned_value(self.ctx, bindings[0]) if len(bindings) == 1 else None
        return found[1] if found is not None and self.is_merge(found[1]) else None

    def sequential_layers(self, name: str, sequential: cst.Call, statement, scope: Scope, merge_order: int) -> list:
        """The layers of a sub-model Sequential, all added before it is merged."""
        ctx = self.ctx
        bound = _merge.bind(sequential, table.SEQUENTIAL_PARAMS)
        if bound is None or bound.dynamic:
            raise _Unsupported(f"Sequential(...) call of the sub-model `{name}` that kmigrate cannot read")
        layers = []
        listing = bound.value("layers")
        if listing is not None and not (isinstance(listing, cst.Name) and listing.value == "None"):
            if not isinstance(listing, (cst.List, cst.Tuple)) or any(isinstance(e, cst.StarredElement) for e in listing.elements):
                raise _Unsupported(f"the layers of the sub-model `{name}` are not a literal list")
            layers = [e.value for e in listing.elements]
        block = ctx.parent(statement)
        adds = []
        for use in self.index.names.get(name, ()):
            if lookup(scope_of(ctx, use), name)[0] is not scope:
                continue
            use_statement = ctx.statement_of(use)
            found = add_of(use_statement)
            if found is None or found[0] != name or use_statement.body[0].value.func.value is not use:
                continue
            if self.index.order[use_statement] > merge_order:
                raise _Unsupported(f"the sub-model `{name}` gets more `.add` calls after it was merged "
                                   f"(`{short(use_statement)}`): Keras 1 merged the model as it was then")
            if ctx.parent(use_statement) is not block:
                raise _Unsupported(f"`{name}.add(...)` {_where(ctx, use_statement, block)}: the first layer of the "
                                   f"sub-model `{name}` depends on how the code runs")
            adds.append(use_statement)
        adds.sort(key=self.index.order.__getitem__)
        layers += [add_of(s)[1] for s in adds]
        if not layers:
            raise _Unsupported(f"the sub-model `{name}` has no layers when it is merged")
        return layers

    def sequential_leaf(self, name: str, layers: list) -> Leaf:
        ctx = self.ctx
        first = layers[0]
        if not isinstance(first, cst.Call):
            raise _Unsupported(f"the first layer of the sub-model `{name}` is not a layer call kmigrate can read")
        cls = _evidence.keras_class(ctx, first.func)
        if cls is None:
            raise _Unsupported(f"the first layer of the sub-model `{name}` ({short(first.func)}) is not a Keras layer")
        keywords = {a.keyword.value: a.value for a in first.args if a.keyword is not None}
        args: list[cst.Arg] = []
        dtype = keywords.get("input_dtype")
        if "batch_input_shape" in keywords:
            args.append(_merge.keyword_arg("batch_shape", keywords["batch_input_shape"]))
        elif cls == table.EMBEDDING:
            bound = _merge.bind(first, (*table.EMBEDDING_PARAMS, *keywords))
            length = bound.value("input_length") if bound is not None else None
            args.append(_merge.keyword_arg("shape", _tuple([length or cst.Name("None")])))
            dtype = cst.SimpleString(f"'{table.EMBEDDING_DTYPE}'")
        elif cls in table.INPUT_DIM_LENGTH_LAYERS and "input_dim" in keywords:
            length = keywords.get("input_length", cst.Name("None"))
            args.append(_merge.keyword_arg("shape", _tuple([length, keywords["input_dim"]])))
        elif cls in table.INPUT_DIM_LAYERS and "input_dim" in keywords:
            args.append(_merge.keyword_arg("shape", _tuple([keywords["input_dim"]])))
        elif "input_shape" in keywords:
            args.append(_merge.keyword_arg("shape", keywords["input_shape"]))
        elif "input_dim" in keywords:
            raise _Unsupported(f"kmigrate does not know which input shape `{cls}(input_dim=...)` declares "
                               f"(first layer of the sub-model `{name}`)")
        else:
            raise _Unsupported(f"the first layer of the sub-model `{name}` declares no input shape")
        if dtype is not None:
            args.append(_merge.keyword_arg("dtype", dtype))
        unsafe = [f"the input shape of `{name}` ({short(a.value)}) is evaluated where the model is built, "
                  "and a name in it is assigned more than once in the file"
                  for a in args if not self.stable(a.value)]
        return Leaf(name, False, _merge.join_args(args), rank=_evidence.sequential_output_rank(ctx, layers),
                    unsafe=unsafe)

    def stable(self, node: cst.BaseExpression) -> bool:
        """Every name in ``node`` is bound at most once in the file, and it calls nothing."""
        names, calls = _names_and_calls(node)
        if calls:
            return False
        for name in names:
            bindings = self.ctx.resolver.bindings_of(name)
            if len(bindings) > 1:
                return False
        return True

    def functional_leaf(self, name: str, model: cst.Call, statement) -> Leaf:
        bound = _bind_call(model, table.MODEL_PARAMS, table.MODEL_KEYWORDS_K3)
        if bound is None or bound.dynamic or "input" not in bound.args or "output" not in bound.args:
            raise _Unsupported(f"the Model(...) call of the sub-model `{name}` cannot be read")
        inputs = bound.value("input")
        outputs = bound.value("output")
        elements = inputs.elements if isinstance(inputs, (cst.List, cst.Tuple)) else [cst.Element(inputs)]
        if not all(isinstance(e.value, cst.Name) and not isinstance(e, cst.StarredElement) for e in elements):
            raise _Unsupported(f"the inputs of the sub-model `{name}` are not named Input tensors")
        if isinstance(outputs, (cst.List, cst.Tuple)):
            if len(outputs.elements) != 1:
                raise _Unsupported(f"the sub-model `{name}` has several outputs")
            outputs = outputs.elements[0].value
        return Leaf(name, True, input_names=tuple(e.value.value for e in elements),
                    rank=_evidence.rank_of(self.ctx, outputs))


def _names_and_calls(node: cst.CSTNode) -> tuple[set[str], bool]:
    """The names an expression reads (``X.shape`` reads only ``X``) and whether it calls anything."""
    names: set[str] = set()
    attributes: set[int] = set()
    calls = False
    for item in (node, *tree.descendants(node)):
        if isinstance(item, cst.Attribute):
            attributes.add(id(item.attr))
        elif isinstance(item, cst.Call):
            calls = True
        elif isinstance(item, cst.Name) and id(item) not in attributes:
            names.add(item.value)
    return names, calls


def _where(ctx: FileContext, statement: cst.CSTNode, block: cst.CSTNode) -> str:
    """``inside a for loop`` etc.: the compound statement between ``statement`` and ``block``."""
    kinds = {cst.For: "inside a for loop", cst.While: "inside a while loop", cst.If: "inside an if branch",
             cst.Try: "inside a try statement", cst.With: "inside a with statement",
             cst.FunctionDef: "in another function", cst.ClassDef: "in a class body"}
    for ancestor in ctx.ancestors(statement):
        if ancestor is block:
            break
        for kind, text in kinds.items():
            if isinstance(ancestor, kind):
                return text
    return "in another block than the model's creation"


def _tuple(values: list[cst.BaseExpression]) -> cst.Tuple:
    elements = [cst.Element(v, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                for v in values[:-1]]
    elements.append(cst.Element(values[-1], comma=cst.Comma() if len(values) == 1 else cst.MaybeSentinel.DEFAULT))
    return cst.Tuple(elements)


def unknown_mode(mode: _merge.Mode) -> str:
    what = short(mode.node) if mode.node is not None else "**kwargs"
    return f"Merge(mode={what}): the mode is not known statically"


def merge_layer(ctx: FileContext, mode: _merge.Mode, bound: _merge.BoundCall, ranks: list | None,
                absorbed: bool, call: cst.Call | None) -> tuple[_merge.Replacement, list[str]]:
    """The Keras 3 layer for a known ``Merge`` mode and why it may differ: the choice and the safety
    logic of KM101, KM102 and KM301.  ``bound`` holds the inputs under ``"inputs"``; ``ranks`` are the
    inputs' ranks when the caller proves them (None: traced from the input expressions), ``absorbed``
    whether the output goes straight into a layer that absorbs Keras 1's extra ``cos`` axis, ``call``
    the functional call whose later reads KM301 checks (None inside a Sequential)."""

    if mode.kind == _merge.CALLABLE:
        return _merge.callable_replacement(), []
    if ranks is None:
        ranks = km101._input_ranks(ctx, bound.value("inputs"))
    if mode.name == "cos":
        if ctx.option("cos_style", "dot") == "legacy":
            return _cosine.legacy_replacement(bound), []  # Keras 1's values and shape
        differences = km301.cos_differences(ctx, call, ranks, absorbed)
        return _merge.cos_replacement(), [*differences, km301.NORMS] if differences else []
    return _merge.exact_replacement(mode.name), km101.MergeModes.unsafe_reasons(ctx, mode.name, bound)


def analyse(ctx: FileContext) -> Analysis:
    key = "sequential.analysis"
    if key in ctx.cache:
        return ctx.cache[key]
    analyser = _Analyser(ctx)
    reports: list[Report] = []
    merges = [c for c in ctx.resolver.calls if analyser.is_merge(c)]
    roots: list[cst.Call] = []
    for merge in merges:
        parent = ctx.parent(merge)
        if isinstance(parent, cst.Call) and parent.func is merge:
            continue  # functional use: KM201
        try:
            analyser.model(merge)
        except _Unsupported as exc:
            reports.append(Report(merge, str(exc)))
            continue
        roots.append(merge)
    components = []
    for component in _components(ctx, analyser, [analyser.model_keys[m] for m in roots]):
        shared = _shared_input(component)
        if shared is None:
            components.append(component)
        else:
            reports += [Report(m.merge, shared) for m in component.models]
    ctx.cache[key] = Analysis(components, reports)
    return ctx.cache[key]


def _shared_input(component: Component) -> str | None:
    """Keras 1 dropped a duplicate input *tensor*: two functional sub-models built on one Input feed
    it once, which ``*a.inputs, *b.inputs`` would not."""
    owner: dict[str, str] = {}
    for leaf in component.leaves.values():
        for name in leaf.input_names:
            if owner.setdefault(name, leaf.name) != leaf.name:
                return (f"the functional sub-models `{owner[name]}` and `{leaf.name}` share the Input `{name}`, "
                        "which Keras 1 fed once")
    return None


def _components(ctx: FileContext, analyser: _Analyser, keys: list[str]) -> list[Component]:
    """Merge models linked by nesting or a shared sub-model, each group in the order of its anchors."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    for key in keys:
        for member in analyser.models[key].members:
            union(key, member)
    groups: dict[str, list[str]] = {}
    for key in analyser.models:
        groups.setdefault(find(key), []).append(key)
    order = analyser.index.order
    components = []
    for group in groups.values():
        models = sorted((analyser.models[k] for k in group), key=lambda m: order[m.anchor])
        leaves = {}
        for model in models:
            for member in model.members:
                if member in analyser.leaves:
                    leaves[member] = analyser.leaves[member]
        components.append(Component(models, leaves))
    components.sort(key=lambda c: order[c.models[0].anchor])
    return components


# -- the rewrite ---------------------------------------------------------------------------------
def model_inputs(component: Component, model: MergeModel) -> list[str]:
    """Leaf keys feeding ``model``: depth-first in Merge-list order, duplicates dropped (spec §2.1)."""
    by_key = {m.key: m for m in component.models}
    found: list[str] = []

    def walk(m: MergeModel) -> None:
        for member in m.members:
            if member in by_key:
                walk(by_key[member])
            elif member not in found:
                found.append(member)

    walk(model)
    return found


class Rewrite:
    """A component's restructure: ``edits()`` gives (original statement, build) pairs.

    The builds run in the file's order inside one transform: a removed statement hands its comment
    lines to the next statement built, and the anchor reads the Merge call as nested fixes left it.
    """

    def __init__(self, ctx: FileContext, component: Component):
        self.ctx = ctx
        self.component = component
        self.by_key = {m.key: m for m in component.models}
        self.requests: list[ImportRequest] = []
        self.input_ref = self.reference("keras.layers", "Input")
        self.model_ref = self.reference("keras.models", "Model")
        self.layer_refs = {m.key: self.reference(_merge.LAYERS, m.replacement.layer) for m in component.models}
        self.replacements = {m.key: m.replacement for m in component.models}
        self.helper_edits: list = []  # the --cos-style legacy helper function, defined above its first use
        for model in component.models:
            if model.replacement.legacy_cos:
                name, edits, imports = _cosine.legacy_helper(ctx, model.anchor)
                self.replacements[model.key] = dataclasses.replace(model.replacement, leading=(cst.Name(name),))
                self.helper_edits += [e for e in edits if e not in self.helper_edits]
                self.requests += [r for r in imports if r not in self.requests]
        self.taken = set(_index(ctx).names)
        self.tensor_names = {m.key: self.fresh(f"{m.name}_output") for m in component.models}
        uses: dict[str, int] = {}
        for model in component.models:
            for member in model.members:
                uses[member] = uses.get(member, 0) + 1
        self.input_names: dict[str, str] = {}
        self.output_names: dict[str, str] = {}  # leaves merged more than once: called once, output shared
        for key, leaf in component.leaves.items():
            if not leaf.functional:
                self.input_names[key] = self.fresh(f"{leaf.name}_input")
                if uses[key] > 1:
                    self.output_names[key] = self.fresh(f"{leaf.name}_output")
        # Each leaf's Input is made at the anchor of the first model (in file order) that needs it.
        self.creates: dict[str, list[str]] = {}
        made: set[str] = set()
        for model in component.models:
            self.creates[model.key] = [k for k in model_inputs(component, model) if k not in made]
            made.update(self.creates[model.key])
        self.pending: list[cst.EmptyLine] = []
        self.updated: dict[cst.CSTNode, cst.CSTNode] = {}

    def reference(self, module: str, name: str) -> cst.BaseExpression:
        expression, request = self.ctx.reference(module, name)
        if request not in self.requests:
            self.requests.append(request)
        return expression

    def fresh(self, wanted: str) -> str:
        name, n = wanted, 2
        while name in self.taken:
            name, n = f"{wanted}_{n}", n + 1
        self.taken.add(name)
        return name

    # -- pieces of code ----------------------------------------------------------------------------
    def tensor(self, key: str) -> cst.BaseExpression:
        """The output tensor of a sub-model where it is merged."""
        if key in self.by_key:
            return _attribute(self.by_key[key].name, "output")
        leaf = self.component.leaves[key]
        if leaf.functional:
            return _attribute(leaf.name, "output")
        if key in self.output_names:
            return cst.Name(self.output_names[key])
        return self.leaf_call(key)

    def leaf_call(self, key: str) -> cst.Call:
        return _call(cst.Name(self.component.leaves[key].name), [cst.Arg(cst.Name(self.input_names[key]))])

    def head(self, model: MergeModel, merge: cst.Call) -> list[cst.BaseSmallStatement]:
        """New Inputs, shared sub-model outputs, and the merged tensor."""
        statements = []
        for key in self.creates[model.key]:
            leaf = self.component.leaves[key]
            if leaf.functional:
                continue
            statements.append(_assign(self.input_names[key], _call(self.input_ref, leaf.input_args)))
            if key in self.output_names:
                statements.append(_assign(self.output_names[key], self.leaf_call(key)))
        bound = _merge.bind(merge, merge_table.MERGE_LAYER_PARAMS)
        tensors = _list([self.tensor(member) for member in model.members])
        layer = _merge.build_layer_call(self.ctx, self.replacements[model.key], self.layer_refs[model.key], bound,
                                        cst.Arg(tensors))
        statements.append(_assign(self.tensor_names[model.key], layer))
        return statements

    def apply(self, model: MergeModel, layer: cst.BaseExpression) -> cst.BaseSmallStatement:
        name = self.tensor_names[model.key]
        return _assign(name, _call(layer, [cst.Arg(cst.Name(name))]))

    def functional(self, model: MergeModel) -> cst.BaseSmallStatement:
        elements = []
        for key in model_inputs(self.component, model):
            leaf = self.component.leaves[key]
            if leaf.functional:
                elements.append(cst.StarredElement(_attribute(leaf.name, "inputs")))
            else:
                elements.append(cst.Element(cst.Name(self.input_names[key])))
        single = len(elements) == 1 and isinstance(elements[0], cst.Element)
        # One input stays a bare tensor: Keras 3 warns when ``predict(x)`` gets x for ``inputs=[t]``.
        args = [_merge.keyword_arg("inputs", elements[0].value if single else _list(elements)),
                _merge.keyword_arg("outputs", cst.Name(self.tensor_names[model.key]))]
        if model.model_name is not None:
            args.append(_merge.keyword_arg("name", model.model_name.value))
        return _assign(model.name, _call(self.model_ref, _merge.join_args(args)))

    # -- edits -------------------------------------------------------------------------------------
    def edits(self) -> list[tuple[cst.CSTNode, object]]:
        plan: dict[cst.CSTNode, list] = {}
        for model in self.component.models:
            for statement in (model.creation, model.merge_definition, model.merge_add):
                if statement is not None and statement is not model.anchor:
                    plan.setdefault(statement, []).append(("remove", model))
            plan.setdefault(model.anchor, []).append(("anchor", model))
            for statement in model.later_adds:
                if statement is not model.anchor:
                    plan.setdefault(statement, []).append(("add", model))
            plan.setdefault(model.last, []).append(("model", model))
        order = _index(self.ctx).order
        return [(statement, self.builder(statement, actions))
                for statement, actions in sorted(plan.items(), key=lambda item: order[item[0]])]

    def builder(self, original: cst.SimpleStatementLine, actions: list):
        def build(updated: cst.SimpleStatementLine):
            self.updated[original] = updated
            if all(kind == "remove" for kind, _ in actions):
                self.pending.extend(_carried_lines(updated))
                return cst.RemovalSentinel.REMOVE
            small: list[cst.BaseSmallStatement] = []
            applied: int | None = None  # the new line that stands for the original one
            for kind, model in actions:
                if kind == "anchor":
                    small += self.head(model, self.updated_merge(model))
                    small += [self.apply(model, layer) for layer in self.anchor_layers(model, updated)]
                    applied = len(small) - 1
                elif kind == "add":
                    small.append(self.apply(model, add_of(updated)[1]))
                    applied = len(small) - 1
                elif kind == "model":
                    small.append(self.functional(model))
            lines = [cst.SimpleStatementLine([s]) for s in small]
            lines[0] = lines[0].with_changes(leading_lines=[*self.pending, *updated.leading_lines])
            self.pending = []
            keep = applied if applied is not None else len(lines) - 1
            lines[keep] = lines[keep].with_changes(trailing_whitespace=updated.trailing_whitespace)
            return lines

        return build

    def updated_merge(self, model: MergeModel) -> cst.Call:
        """The Merge call as nested fixes left it (its statement was built before the anchor's)."""
        statement = model.merge_definition or model.merge_add or model.creation
        updated = self.updated.get(statement, statement)
        if statement is model.merge_definition:
            return updated.body[0].value
        if statement is model.merge_add:
            return add_of(updated)[1]
        return self.list_layers(updated)[0]

    @staticmethod
    def list_layers(statement: cst.SimpleStatementLine) -> list[cst.BaseExpression]:
        layers = _merge.bind(statement.body[0].value, table.SEQUENTIAL_PARAMS).value("layers")
        return [e.value for e in layers.elements]

    def anchor_layers(self, model: MergeModel, updated: cst.SimpleStatementLine) -> list[cst.BaseExpression]:
        """Layers applied at the anchor: the rest of ``Sequential([...])``, or the first later ``.add``."""
        if model.anchor is model.creation:
            return self.list_layers(updated)[1:]
        if model.anchor is model.merge_add:
            return []
        return [add_of(updated)[1]]


def _carried_lines(statement: cst.SimpleStatementLine) -> list[cst.EmptyLine]:
    """A removed statement's comment lines (and its trailing comment as a line of its own)."""
    lines = list(statement.leading_lines)
    comment = statement.trailing_whitespace.comment
    if comment is not None:
        lines.append(cst.EmptyLine(comment=comment))
    return lines


def _assign(name: str, value: cst.BaseExpression) -> cst.Assign:
    return cst.Assign([cst.AssignTarget(cst.Name(name))], value)


def _attribute(name: str, attr: str) -> cst.Attribute:
    return cst.Attribute(cst.Name(name), cst.Name(attr))


def _call(func: cst.BaseExpression, args: list[cst.Arg]) -> cst.Call:
    return cst.Call(func=func, args=args)


def _list(values: list) -> cst.List:
    elements = [v if isinstance(v, cst.BaseElement) else cst.Element(v) for v in values]
    elements = [e.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for e in elements[:-1]] + \
        [elements[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)]
    return cst.List(elements)
