"""Property test: for random shapes and mode arguments, kmigrate's rewrite of ``merge(...)`` computes
under Keras 3 what the original computes under the real Keras 1.2.2 (same worker for all examples).

Bounded and derandomised so CI runs the same examples every time: each new shape compiles a Theano
function (about a second with a warm cache).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import harness

TEMPLATE = '''from keras.layers import Input, Dense, merge
from keras.models import Model


def build_model():
    a = Input(shape={shape})
    b = Input(shape={shape})
    x = Dense({d})(a)
    y = Dense({d})(b)
    return Model([a, b], merge([x, y], {arguments}))
'''


@st.composite
def merges(draw):
    rank = draw(st.sampled_from([2, 3]))
    d = draw(st.integers(2, 6))
    shape = (d,) if rank == 2 else (draw(st.integers(2, 4)), d)
    mode = draw(st.sampled_from(["sum", "mul", "ave", "max", "concat", "dot", "cos"]))
    arguments = f"mode='{mode}'"
    if mode == "concat":
        arguments += f", concat_axis={draw(st.sampled_from([-1, 1] if rank == 2 else [-1, 1, 2]))}"
    if mode in ("dot", "cos"):
        arguments += f", dot_axes={draw(st.sampled_from([1, -1] if rank == 2 else [1, 2, -1]))}"
    return TEMPLATE.format(shape=shape, d=d, arguments=arguments), mode


@settings(max_examples=14, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(merges())
def test_rewrite_matches_keras1(verify, example):
    source, mode = example
    # mode='cos' in its exact (legacy) style; the Dot style is covered by the cosine tests.
    options = ["--unsafe-fixes", "--cos-style", "legacy"] if mode == "cos" else ["--unsafe-fixes"]
    fixed, remaining = harness.fix_bytes(source.encode(), options)
    assert not remaining, [f.message for f in remaining]
    result = verify(source, fixed.decode(), "build_model")
    assert result.ok and not result.singleton, "\n".join([source, fixed.decode(), *result.lines])
