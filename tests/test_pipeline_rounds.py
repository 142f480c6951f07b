"""How many analysis rounds a --fix takes, and what is reported after it."""

from kmigrate.engine import pipeline
from kmigrate.engine.rule import all_rules

ONLY_MERGE_FROM_KERAS_ENGINE = b"""\
from keras.engine.topology import merge
from keras.layers import Input

a = Input(shape=(4,))
b = Input(shape=(4,))
c = merge([a, b], mode='sum')
"""

MERGE_AND_INPUT_FROM_KERAS_ENGINE = ONLY_MERGE_FROM_KERAS_ENGINE.replace(
    b"from keras.engine.topology import merge\nfrom keras.layers import Input\n",
    b"from keras.engine.topology import merge, Input\n")


def fix_counting_rounds(monkeypatch, data: bytes):
    rounds = []
    run_rules = pipeline.run_rules
    monkeypatch.setattr(pipeline, "run_rules", lambda *a, **k: rounds.append(1) or run_rules(*a, **k))
    result = pipeline.analyse(data, "case.py", all_rules(), pipeline.Options(fix=True), explicit=True)
    return result, len(rounds)


def test_a_finding_on_an_import_the_fixes_removed_is_gone_in_one_round(monkeypatch):
    result, rounds = fix_counting_rounds(monkeypatch, ONLY_MERGE_FROM_KERAS_ENGINE)
    assert b"keras.engine" not in result.new_data and b"Add()([a, b])" in result.new_data
    assert result.findings == [] and rounds == 1


def test_an_import_the_fixes_rebuilt_is_analysed_again(monkeypatch):
    # Without `merge`, `from keras.engine.topology import Input` has a Keras 3 path: a second round fixes it.
    result, rounds = fix_counting_rounds(monkeypatch, MERGE_AND_INPUT_FROM_KERAS_ENGINE)
    assert b"from keras.layers import Input" in result.new_data and b"keras.engine" not in result.new_data
    assert result.findings == [] and rounds == 2


MEAN_COSINE = b"""\
from keras import backend as K
from keras.layers import Input, Lambda

def cosine(vests):
    x, y = vests
    return -K.mean(K.l2_normalize(x, axis=-1) * K.l2_normalize(y, axis=-1), axis=-1, keepdims=True)

a = Input(shape=(4,))
b = Input(shape=(4,))
c = Lambda(cosine, output_shape=lambda s: (s[0][0], 1))([a, b])
"""


def test_a_safe_fix_wins_over_an_unsafe_one_on_the_same_code():
    # KM303's exact port and KM406's unsafe K.l2_normalize -> ops.normalize (epsilon added) both rewrite the
    # l2_normalize calls; the earlier finding is KM406's, yet the safe port is what --unsafe-fixes writes.
    result = pipeline.analyse(MEAN_COSINE, "case.py", all_rules(), pipeline.Options(fix=True, unsafe_fixes=True),
                              explicit=True)
    assert b"normalize" not in result.new_data
    assert b"x / ops.sqrt(ops.sum(ops.square(x), axis=-1, keepdims=True))" in result.new_data
