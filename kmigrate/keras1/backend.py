"""Keras 1.2.2 backend functions ``K.*`` and their Keras 3 spelling (spec §4.4, traps T18–T21).

``OPS``: exact rewrites (kinds R and D): Keras 1 name → (Keras 3 module, name, Keras 1 parameters in
positional order, argument renames, Keras 1 defaults to write when left out, keywords only).
``REPORT``: functions without an exact drop-in (kinds S and X) → what to write.
"""

OPS = {
    # elementwise and reductions: same names and arguments
    **{name: ("keras.ops", name, ("x",), {}, (), False) for name in (
        "abs", "cos", "sin", "exp", "log", "round", "sign", "square", "sigmoid", "softplus", "softsign",
        "tanh", "transpose", "ndim")},
    **{name: ("keras.ops", name, ("x", "axis", "keepdims"), {}, (), False) for name in (
        "sum", "mean", "max", "min", "prod", "std", "var", "all", "any")},
    **{name: ("keras.ops", name, ("x", "y"), {}, (), False) for name in (
        "equal", "not_equal", "greater", "greater_equal", "maximum", "minimum")},
    "lesser": ("keras.ops", "less", ("x", "y"), {}, (), False),
    "lesser_equal": ("keras.ops", "less_equal", ("x", "y"), {}, (), False),
    "pow": ("keras.ops", "power", ("x", "a"), {}, (), False),
    "cast": ("keras.ops", "cast", ("x", "dtype"), {}, (), False),
    "clip": ("keras.ops", "clip", ("x", "min_value", "max_value"), {"min_value": "x_min", "max_value": "x_max"}, (), False),
    "squeeze": ("keras.ops", "squeeze", ("x", "axis"), {}, (), False),
    "elu": ("keras.ops", "elu", ("x", "alpha"), {}, (), False),
    "stop_gradient": ("keras.ops", "stop_gradient", ("variables",), {}, (), False),
    "permute_dimensions": ("keras.ops", "transpose", ("x", "pattern"), {"pattern": "axes"}, (), False),
    "reshape": ("keras.ops", "reshape", ("x", "shape"), {"shape": "newshape"}, (), False),
    "reverse": ("keras.ops", "flip", ("x", "axes"), {"axes": "axis"}, (), False),
    "tile": ("keras.ops", "tile", ("x", "n"), {"n": "repeats"}, (), False),
    "repeat_elements": ("keras.ops", "repeat", ("x", "rep", "axis"), {"rep": "repeats"}, (), False),
    "one_hot": ("keras.ops", "one_hot", ("indices", "nb_classes"), {"nb_classes": "num_classes"}, (), False),
    "ones_like": ("keras.ops", "ones_like", ("x", "dtype"), {}, (), False),
    "zeros_like": ("keras.ops", "zeros_like", ("x", "dtype"), {}, (), False),
    # default changed in Keras 3 (T18): write Keras 1's
    "concatenate": ("keras.ops", "concatenate", ("tensors", "axis"), {}, (("axis", "axis", "-1"),), False),
    "argmax": ("keras.ops", "argmax", ("x", "axis"), {}, (("axis", "axis", "-1"),), False),
    "argmin": ("keras.ops", "argmin", ("x", "axis"), {}, (("axis", "axis", "-1"),), False),
    "gather": ("keras.ops", "take", ("reference", "indices"), {}, ((None, "axis", "0"),), False),
    "expand_dims": ("keras.ops", "expand_dims", ("x", "dim"), {"dim": "axis"}, (("dim", "axis", "-1"),), False),
    "arange": ("keras.ops", "arange", ("start", "stop", "step", "dtype"), {}, (("dtype", "dtype", "'int32'"),), False),
    "softmax": ("keras.ops", "softmax", ("x",), {}, ((None, "axis", "-1"),), False),
    "stack": ("keras.ops", "stack", ("x",), {}, ((None, "axis", "0"),), False),
    # argument order swapped (T19): keywords make it exact
    "binary_crossentropy": ("keras.ops", "binary_crossentropy", ("output", "target", "from_logits"), {}, (), True),
    "categorical_crossentropy": ("keras.ops", "categorical_crossentropy", ("output", "target", "from_logits"), {}, (), True),
    "sparse_categorical_crossentropy": ("keras.ops", "sparse_categorical_crossentropy",
                                        ("output", "target", "from_logits"), {}, (), True),
    # other modules
    "relu": ("keras.activations", "relu", ("x", "alpha", "max_value"), {"alpha": "negative_slope"}, (), False),
    "dropout": ("keras.random", "dropout", ("x", "level", "noise_shape", "seed"), {"level": "rate"}, (), False),
    "random_normal": ("keras.random", "normal", ("shape", "mean", "std", "dtype", "seed"), {"std": "stddev"}, (), False),
    "random_uniform": ("keras.random", "uniform", ("shape", "low", "high", "dtype", "seed"),
                       {"low": "minval", "high": "maxval"}, (), False),
}

REPORT = {
    "batch_dot": "no keras.ops.batch_dot: use keras.ops.einsum (e.g. 'bi,bi->b') or keras.layers.Dot(axes=...); "
    "Keras 1's axes=None meant (x.ndim - 1, y.ndim - 2) and a 2-D result got an extra axis",
    "l2_normalize": "keras.ops.normalize(x, axis=axis, order=2) (Keras 1/Theano had no epsilon)",
    "sqrt": "keras.ops.sqrt(keras.ops.maximum(x, 0.0)): Keras 1 clipped negative inputs to 0, Keras 3 gives nan",
    "hard_sigmoid": "keras.ops.clip(0.2 * x + 0.5, 0.0, 1.0): Keras 3's hard_sigmoid is relu6(x + 3) / 6",
    "repeat": "keras.ops.repeat(keras.ops.expand_dims(x, 1), n, axis=1): ops.repeat is numpy's repeat",
    "switch": "keras.ops.where(condition, then, else) elementwise, keras.ops.cond for a scalar condition",
    "dot": "keras.ops.dot (numpy semantics; Keras 1/TF reshaped N-D inputs the same way, check the shapes)",
    "shape": "keras.ops.shape(x) returns a tuple, not a tensor",
    "int_shape": "x.shape",
    "set_image_dim_ordering": "keras.config.set_image_data_format('channels_first'/'channels_last') for "
    "'th'/'tf'; Keras 3's 1D layers and Flatten then follow it too (T16)",
    "variable": "keras.Variable(initializer=value, dtype=..., name=...) (pass dtype and name by keyword)",
    "eval": "keras.ops.convert_to_numpy(x)",
    "get_value": "keras.ops.convert_to_numpy(x) (or variable.numpy())",
    "set_value": "x.assign(value)",
    "batch_get_value": "[keras.ops.convert_to_numpy(v) for v in xs]",
    "batch_set_value": "for v, value in tuples: v.assign(value)",
    "update": "v.assign(new) inside call()/train_step",
    "update_add": "v.assign_add(increment)",
    "update_sub": "v.assign_sub(decrement)",
    "zeros": "keras.Variable(keras.ops.zeros(shape, dtype)) (Keras 1 returned a variable)",
    "ones": "keras.Variable(keras.ops.ones(shape, dtype)) (Keras 1 returned a variable)",
    "eye": "keras.Variable(keras.ops.eye(size, dtype=dtype)) (Keras 1 returned a variable)",
    "flatten": "keras.ops.reshape(x, (-1,))",
    "batch_flatten": "keras.ops.reshape(x, (keras.ops.shape(x)[0], -1)) or keras.layers.Flatten",
    "function": "use keras.Model(inputs, outputs) and model.predict, or eager code",
    "gradients": "backend-specific: tf.GradientTape, jax.grad, torch.autograd",
    "learning_phase": "no global learning phase: pass training=True/False",
    "set_learning_phase": "pass training= explicitly",
    "in_train_phase": "use the training argument of call(): x if training else alt",
    "in_test_phase": "use the training argument of call()",
    "placeholder": "keras.Input(shape=..., dtype=...)",
    "get_session": "no TF1 session in Keras 3",
    "set_session": "no TF1 session in Keras 3",
    "rnn": "wrap the step in a keras.layers.RNN cell",
    "print_tensor": "use the backend's print (tf.print)",
    "conv2d": "keras.ops.conv(x, kernel, strides, padding, data_format, dilation_rate); Theano kernels "
    "(out, in, rows, cols) must be transposed and flipped",
    "pool2d": "keras.ops.max_pool / average_pool with strides=(1, 1) written (Keras 1's default)",
    "in_top_k": "keras.ops.in_top_k(targets, predictions, k): the argument order is swapped",
    "map_fn": "keras.ops.map(f, xs)",
    "foldl": "keras.ops.scan(f, init, xs) and take the final carry",
    "count_params": "int(np.prod(v.shape))",
    "cast_to_floatx": "keras.ops.cast(x, keras.config.floatx())",
    "resize_images": "keras.layers.UpSampling2D(size=(h, w), data_format=...)",
    "spatial_2d_padding": "keras.ops.pad(x, pad_width) (the padded axes depend on the data format)",
    "temporal_padding": "keras.ops.pad(x, [[0, 0], [p, p], [0, 0]])",
}

#: ``K.image_dim_ordering()``'s values and Keras 3's ``keras.config.image_data_format()`` (kind V).
IMAGE_DIM_ORDERING = {"tf": "channels_last", "th": "channels_first"}
