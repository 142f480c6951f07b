"""Old model under the real Keras 1.2.2 (Theano) vs new model under Keras 3: same weights, same inputs."""
import textwrap


def src(text):
    return textwrap.dedent(text)


# --------------------------------------------------------------------------- Dense

DENSE_OLD = src(
    """
    import numpy as np
    from keras.models import Sequential
    from keras.layers import Dense, Activation

    def build():
        model = Sequential()
        model.add(Dense(8, input_dim=5, activation='relu'))
        model.add(Dense(3))
        model.add(Activation('softmax'))
        return model

    if __name__ == '__main__':
        X = np.load('data/does-not-exist.npy')   # never runs
        build().fit(X, X)
    """
)

DENSE_NEW = src(
    """
    import numpy as np
    import keras
    from keras.models import Sequential
    from keras.layers import Dense, Activation

    def build():
        model = Sequential()
        model.add(keras.Input(shape=(5,)))
        model.add(Dense(8, activation='relu'))
        model.add(Dense(3))
        model.add(Activation('softmax'))
        return model

    if __name__ == '__main__':
        X = np.load('data/does-not-exist.npy')   # never runs
        build().fit(X, X)
    """
)


def test_dense_sequential_equal(verify):
    result = verify(DENSE_OLD, DENSE_NEW)
    assert result.ok, result.lines
    assert result.status == "equal"
    assert result.lines[0] == "output 0: equal"
    assert not result.singleton


def test_module_level_model_name(verify):
    old = DENSE_OLD + "\nmodel = build()\n"
    new = DENSE_NEW + "\nmodel = build()\n"
    result = verify(old, new, func="model")
    assert result.ok, result.lines


def test_weights_do_not_correspond_is_a_verdict(verify):
    new = DENSE_NEW.replace("model.add(Dense(3))\n", "model.add(Dense(3))\n    model.add(Dense(3))\n")
    assert new != DENSE_NEW
    result = verify(DENSE_OLD, new)
    assert not result.ok
    assert result.status == "weights"
    assert result.lines[0].startswith("weights do not correspond: ")
    assert "Dense" in result.lines[0]


def test_weight_shape_mismatch_is_a_verdict(verify):
    new = DENSE_NEW.replace("Dense(8, activation", "Dense(9, activation")
    result = verify(DENSE_OLD, new)
    assert not result.ok
    assert result.status in ("weights",)
    assert result.lines[0].startswith("weights do not correspond: ")


def test_build_errors_are_verdicts(verify):
    result = verify(DENSE_OLD, DENSE_NEW, func="nope")
    assert not result.ok and result.status == "error"
    assert "'nope' is not defined" in result.lines[0]
    result = verify(DENSE_OLD, DENSE_NEW.replace("Dense(3)", "Dense(3, no_such_argument=1)"))
    assert not result.ok and result.status == "error"
    assert "Keras 3" in result.lines[0]


# --------------------------------------------------------------------------- merge modes

TWO_INPUTS_OLD = src(
    """
    from keras.layers import Input, Dense, merge
    from keras.models import Model

    def build():
        a = Input(shape=(6,))
        b = Input(shape=(6,))
        x = Dense(4, name='left')(a)
        y = Dense(4)(b)
        out = merge([x, y], {MODE})
        return Model(input=[a, b], output=out)
    """
)

TWO_INPUTS_NEW = src(
    """
    import keras
    from keras.layers import Input, Dense, Add, Dot, Concatenate, Lambda

    def build():
        a = Input(shape=(6,))
        b = Input(shape=(6,))
        x = Dense(4, name='left')(a)
        y = Dense(4)(b)
        out = {LAYER}
        return keras.Model(inputs=[a, b], outputs=out)
    """
)


def two(mode, layer):
    return TWO_INPUTS_OLD.replace("{MODE}", mode), TWO_INPUTS_NEW.replace("{LAYER}", layer)


def test_merge_sum_vs_add(verify):
    result = verify(*two("mode='sum'", "Add()([x, y])"))
    assert result.ok, result.lines
    assert result.lines[0] == "output 0: equal"


def test_merge_cos_vs_dot_normalize_equal_up_to_singleton_axes(verify):
    result = verify(*two("mode='cos', dot_axes=1", "Dot(axes=1, normalize=True)([x, y])"))
    assert result.ok, result.lines
    assert result.singleton
    assert result.lines[0] == (
        "output 0: equal up to singleton axes (Keras 1 shape (4, 1, 1), Keras 3 shape (4, 1))"
    )


def test_dot_without_normalize_is_caught(verify):
    result = verify(*two("mode='cos'", "Dot(axes=1)([x, y])"))
    assert not result.ok
    assert result.status == "different"
    line = result.lines[0]
    assert line.startswith("output 0: different: Keras 1 shape (4, 1, 1), Keras 3 shape (4, 1); max abs error ")
    assert "max rel error" in line and "worst at index (" in line


def test_swapped_concat_inputs_are_caught(verify):
    result = verify(*two("mode='concat'", "Concatenate()([y, x])"))
    assert not result.ok
    assert "output 0: different: Keras 1 shape (4, 8), Keras 3 shape (4, 8)" in result.lines[0]


def test_swapped_subtract_lambda_is_caught(verify):
    old, new = two(
        "mode=lambda t: t[0] - t[1], output_shape=lambda s: s[0]",
        "Lambda(lambda t: t[1] - t[0])([x, y])",
    )
    result = verify(old, new)
    assert not result.ok
    assert result.lines[0].startswith("output 0: different")
    # and the right order is equal
    result = verify(old, new.replace("t[1] - t[0]", "t[0] - t[1]"))
    assert result.ok, result.lines


CONCAT3D_OLD = src(
    """
    from keras.layers import Input, TimeDistributed, Dense, merge
    from keras.models import Model

    def build():
        a = Input(shape=(3, 4))
        b = Input(shape=(3, 4))
        return Model([a, b], merge([a, b], mode='concat', concat_axis=-1))
    """
)

CONCAT3D_NEW = src(
    """
    import keras
    from keras.layers import Input, Concatenate

    def build():
        a = Input(shape=(3, 4))
        b = Input(shape=(3, 4))
        return keras.Model([a, b], Concatenate(axis={AXIS})([a, b]))
    """
)


def test_concatenate_on_the_wrong_axis_is_caught(verify):
    result = verify(CONCAT3D_OLD, CONCAT3D_NEW.replace("{AXIS}", "1"))
    assert not result.ok
    assert result.lines[0] == (
        "output 0: different: Keras 1 shape (4, 3, 8), Keras 3 shape (4, 6, 4); "
        "shapes differ beyond singleton axes; inputs standard normal"
    )
    result = verify(CONCAT3D_OLD, CONCAT3D_NEW.replace("{AXIS}", "-1"))
    assert result.ok, result.lines


# --------------------------------------------------------------------------- recurrent and embedding

LSTM_OLD = src(
    """
    from keras.models import Sequential
    from keras.layers import LSTM, Dense

    def build():
        model = Sequential()
        model.add(LSTM(6, input_shape=(5, 3)))
        model.add(Dense(2))
        return model
    """
)

LSTM_NEW = src(
    """
    import keras
    from keras import ops
    from keras.models import Sequential
    from keras.layers import LSTM, Dense

    def build():
        return Sequential([
            keras.Input(shape=(5, 3)),
            LSTM(6, {RECURRENT}),
            Dense(2),
        ])
    """
)


def test_lstm_weights_converted_and_hard_sigmoid(verify):
    exact = "recurrent_activation=lambda x: keras.ops.clip(0.2 * x + 0.5, 0., 1.)"
    result = verify(LSTM_OLD, LSTM_NEW.replace("{RECURRENT}", exact))
    assert result.ok, result.lines
    # Keras 3's own hard_sigmoid is another function: caught
    result = verify(LSTM_OLD, LSTM_NEW.replace("{RECURRENT}", "recurrent_activation='hard_sigmoid'"))
    assert not result.ok
    assert result.lines[0].startswith("output 0: different")


EMBEDDING_OLD = src(
    """
    from keras.models import Sequential
    from keras.layers import Embedding, Flatten, Dense

    def build():
        model = Sequential()
        model.add(Embedding(input_dim=50, output_dim=8, input_length=7))
        model.add(Flatten())
        model.add(Dense(3, activation='tanh'))
        return model
    """
)

EMBEDDING_NEW = src(
    """
    import keras
    from keras.layers import Embedding, Flatten, Dense

    def build():
        inp = keras.Input(shape=(7,), dtype='int32')
        x = Embedding(input_dim=50, output_dim=8)(inp)
        x = Flatten()(x)
        return keras.Model(inp, Dense(3, activation='tanh')(x))
    """
)


def test_embedding_integer_inputs(verify, worker):
    built = worker.build(EMBEDDING_OLD, "model.py", "build")
    assert built["ok"], built
    assert built["inputs"][0]["input_dim"] == 50
    assert built["inputs"][0]["dtype"].startswith("int")
    result = verify(EMBEDDING_OLD, EMBEDDING_NEW)
    assert result.ok, result.lines


def test_faithful_cos_lambda_is_equal_with_the_same_shape(verify):
    old, new = two("mode='cos'", "Lambda(k1_cos)([x, y])")
    new = new.replace("def build():", src(
        """
        from keras import ops

        def k1_cos(t):
            x, y = t
            dot = lambda u, v: ops.sum(u * v, axis=-1, keepdims=True)
            den = ops.sqrt(ops.maximum(dot(x, x) * dot(y, y), 0.0))
            den = ops.where(den > 1e-7, den, 1e-7)
            return ops.expand_dims(dot(x, y) / den, 1)

        def build():"""))
    result = verify(old, new)
    assert result.ok, result.lines
    assert result.lines[0] == "output 0: equal" and not result.singleton


# --------------------------------------------------------------------------- Merge in a Sequential

MERGE_SEQ_OLD = src(
    """
    from keras.models import Sequential
    from keras.layers import Dense, Merge, Embedding, Flatten

    def build():
        left = Sequential()
        left.add(Embedding(30, 4, input_length=3))
        left.add(Flatten())
        right = Sequential()
        right.add(Dense(5, input_dim=6))
        model = Sequential()
        model.add(Merge([left, right], mode='concat'))
        model.add(Dense(2, name='head'))
        return model
    """
)

MERGE_SEQ_NEW = src(
    """
    import keras
    from keras.layers import Dense, Embedding, Flatten, Concatenate, Input

    def build():
        a = Input(shape=(3,), dtype='int32')
        b = Input(shape=(6,))
        x = Flatten()(Embedding(30, 4)(a))
        y = Dense(5)(b)
        return keras.Model({INPUTS}, Dense(2, name='head')(Concatenate()({MERGED})))
    """
)


def test_sequential_merge_vs_functional_model(verify):
    new = MERGE_SEQ_NEW.replace("{INPUTS}", "[a, b]").replace("{MERGED}", "[x, y]")
    result = verify(MERGE_SEQ_OLD, new)
    assert result.ok, result.lines
    # inputs in the wrong order
    new = MERGE_SEQ_NEW.replace("{INPUTS}", "[b, a]").replace("{MERGED}", "[x, y]")
    result = verify(MERGE_SEQ_OLD, new)
    assert not result.ok and result.status == "inputs"
    assert result.lines == ["inputs do not correspond: input 0: shape (None, 3) in Keras 1 but (None, 6) in Keras 3"]
    # branches merged in the wrong order
    new = MERGE_SEQ_NEW.replace("{INPUTS}", "[a, b]").replace("{MERGED}", "[y, x]")
    result = verify(MERGE_SEQ_OLD, new)
    assert not result.ok and result.lines[0].startswith("output 0: different")


MULTI_OLD = src(
    """
    from keras.layers import Input, Dense
    from keras.models import Model

    def build():
        a = Input(shape=(5,))
        h = Dense(4, activation='tanh')(a)
        return Model(input=a, output=[Dense(2, name='p')(h), Dense(3, name='q')(h)])
    """
)
MULTI_NEW = src(
    """
    import keras
    from keras.layers import Input, Dense

    def build():
        keras.config.set_image_data_format('channels_first')  # global settings do not leak
        a = Input(shape=(5,))
        h = Dense(4, activation='tanh')(a)
        return keras.Model(a, [Dense(2, name='p')(h), Dense(3, name='{SECOND}')(h)])
    """
)


def test_several_outputs(verify):
    import keras

    result = verify(MULTI_OLD, MULTI_NEW.replace("{SECOND}", "q"))
    assert result.ok, result.lines
    assert result.lines[:2] == ["output 0: equal", "output 1: equal"]
    assert keras.config.image_data_format() == "channels_last"
    # explicit names that differ: matched by creation order instead, still equal
    result = verify(MULTI_OLD, MULTI_NEW.replace("{SECOND}", "r"))
    assert result.ok, result.lines
