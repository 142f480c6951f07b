"""Name resolution and imports (design.md §3): every import spelling, the file's own style, aliases."""

import harness
import pytest
from fixture_tests import catalogue, parametrize

test_rewrite, test_after_builds_under_keras3 = catalogue("imports")


@parametrize("negative")
def test_non_keras_names_are_never_touched(case):
    harness.assert_case(case)
    assert not harness.check_findings(case.before.read_bytes())


@pytest.mark.parametrize("module", ["keras.layers", "keras.layers.core", "keras.engine", "keras.engine.topology",
                                    "keras.legacy.layers"])
def test_every_keras1_module_of_merge(module):
    source = f"from {module} import merge\nx = merge([a, b], mode='sum')\n"
    [finding] = [f for f in harness.check_findings(source.encode()) if f.code == "KM101"]
    assert finding.line == 2


def test_class_scope_does_not_leak_into_methods():
    source = ("from keras.layers import merge\n"
              "class C:\n    merge = staticmethod(lambda t, mode: t)\n"
              "    def f(self, a, b):\n        return merge([a, b], mode='sum')\n"
              "    x = merge([1, 2], mode='sum')\n")
    lines = sorted(f.line for f in harness.check_findings(source.encode()))
    assert lines == [5]


def test_global_declaration_reaches_module_binding():
    source = ("from keras.layers import merge\n"
              "def f(a, b):\n    global merge\n    return merge([a, b], mode='mul')\n")
    assert [f.code for f in harness.check_findings(source.encode())] == ["KM101"]


def test_comprehension_variable_shadows():
    source = "from keras.layers import merge\nxs = [merge([1], mode='sum') for merge in fns]\n"
    assert harness.check_findings(source.encode()) == []
