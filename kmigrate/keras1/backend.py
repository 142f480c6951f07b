"""Keras 1.2.2 backend functions ``K.*`` and their Keras 3 spelling (spec §4.4, traps T18–T21).

``OPS``: call rewrites: Keras 1 name → (Keras 3 module, name, Keras 1 parameters in positional order,
argument renames, Keras 1 defaults to write when left out, keywords only).
``TEMPLATES``: calls rewritten to a Keras 3 expression.  ``UNSAFE``: rewrites of either kind that may
compute something else (an unsafe fix), and why.
``REPORT``: functions without a Keras 3 rewrite (kinds S and X) → what to write.
``KEPT``: Keras 1 names Keras 3's ``keras.backend`` still has, with the same meaning (left alone).
"""

OPS = {
    # elementwise and reductions: same names and arguments
    **{name: ("keras.ops", name, ("x",), {}, (), False) for name in (
        "abs", "cos", "sin", "exp", "log", "round", "sign", "square", "sigmoid", "softplus", "softsign",
        "tanh", "transpose", "ndim")},
    **{name: ("keras.ops", name, ("x", "axis", "keepdims"), {}, (), False) for name in (
        "sum", "mean", "max", "min", "prod", "std", "var", "all", "any")},
    **{name: ("keras.ops", name, ("x", "y"), {"x": "x1", "y": "x2"}, (), False) for name in (
        "equal", "not_equal", "greater", "greater_equal", "maximum", "minimum")},
    "lesser": ("keras.ops", "less", ("x", "y"), {"x": "x1", "y": "x2"}, (), False),
    "lesser_equal": ("keras.ops", "less_equal", ("x", "y"), {"x": "x1", "y": "x2"}, (), False),
    "pow": ("keras.ops", "power", ("x", "a"), {"x": "x1", "a": "x2"}, (), False),
    "cast": ("keras.ops", "cast", ("x", "dtype"), {}, (), False),
    "clip": ("keras.ops", "clip", ("x", "min_value", "max_value"), {"min_value": "x_min", "max_value": "x_max"}, (), False),
    "squeeze": ("keras.ops", "squeeze", ("x", "axis"), {}, (), False),
    "elu": ("keras.ops", "elu", ("x", "alpha"), {}, (), False),
    "stop_gradient": ("keras.ops", "stop_gradient", ("variables",), {"variables": "variable"}, (), False),
    "permute_dimensions": ("keras.ops", "transpose", ("x", "pattern"), {"pattern": "axes"}, (), False),
    "reshape": ("keras.ops", "reshape", ("x", "shape"), {"shape": "newshape"}, (), False),
    "reverse": ("keras.ops", "flip", ("x", "axes"), {"axes": "axis"}, (), False),
    "tile": ("keras.ops", "tile", ("x", "n"), {"n": "repeats"}, (), False),
    "repeat_elements": ("keras.ops", "repeat", ("x", "rep", "axis"), {"rep": "repeats"}, (), False),
    "one_hot": ("keras.ops", "one_hot", ("indices", "nb_classes"), {"indices": "x", "nb_classes": "num_classes"},
                (), False),
    "ones_like": ("keras.ops", "ones_like", ("x", "dtype", "name"), {}, (), False),
    "zeros_like": ("keras.ops", "zeros_like", ("x", "dtype", "name"), {}, (), False),
    # default changed in Keras 3 (T18): write Keras 1's
    "concatenate": ("keras.ops", "concatenate", ("tensors", "axis"), {"tensors": "xs"}, (("axis", "axis", "-1"),), False),
    "argmax": ("keras.ops", "argmax", ("x", "axis"), {}, (("axis", "axis", "-1"),), False),
    "argmin": ("keras.ops", "argmin", ("x", "axis"), {}, (("axis", "axis", "-1"),), False),
    "gather": ("keras.ops", "take", ("reference", "indices"), {"reference": "x"}, ((None, "axis", "0"),), False),
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
    "dropout": ("keras.random", "dropout", ("x", "level", "noise_shape", "seed"), {"x": "inputs", "level": "rate"},
                (), False),
    "random_normal": ("keras.random", "normal", ("shape", "mean", "std", "dtype", "seed"), {"std": "stddev"}, (), False),
    "random_uniform": ("keras.random", "uniform", ("shape", "low", "high", "dtype", "seed"),
                       {"low": "minval", "high": "maxval"}, (), False),
    # Keras 3's positional order differs: keywords make it exact
    "random_binomial": ("keras.random", "binomial", ("shape", "p", "dtype", "seed"), {"p": "probabilities"},
                        ((None, "counts", "1"), ("p", "probabilities", "0.0")), True),
    "batch_normalization": ("keras.ops", "batch_normalization", ("x", "mean", "var", "beta", "gamma", "epsilon"),
                            {"var": "variance", "beta": "offset", "gamma": "scale"}, ((None, "axis", "-1"),), True),
    "in_top_k": ("keras.ops", "in_top_k", ("predictions", "targets", "k"), {}, (), True),
    "map_fn": ("keras.ops", "map", ("fn", "elems", "name"), {"fn": "f", "elems": "xs"}, (), False),
    "dot": ("keras.ops", "dot", ("x", "y"), {"x": "x1", "y": "x2"}, (), False),
    "shape": ("keras.ops", "shape", ("x",), {}, (), False),
    "dtype": ("keras.ops", "dtype", ("x",), {}, (), False),
    "variable": ("keras", "Variable", ("value", "dtype", "name"), {"value": "initializer"}, (), True),
}

#: ``OPS`` entries whose Keras 1 argument Keras 3 has no parameter for: it only named the graph op, dropped.
DROPPED = {"map_fn": "name", "ones_like": "name", "zeros_like": "name"}

#: Calls rewritten to an expression: Keras 1 parameters in positional order, Keras 1 defaults (code),
#: literal-value maps of parameters (a value outside the map: no rewrite), and the expression: ``{param}``
#: is the argument's code (``{param[i]}`` its i-th element), ``{ops}``, ``{config}``, ``{random}`` the
#: Keras 3 module; or, keyed by ``choose``, one expression per literal value of that parameter.
_ORDERING = "dim_ordering"
#: 'default' (the global ordering) is no key of the expressions chosen by dim_ordering: reported, not rewritten
_DEFAULT_ORDERING = {"dim_ordering": "'default'"}
TEMPLATES = {
    "flatten": {"params": ("x",), "write": "{ops}.reshape({x}, (-1,))"},
    "batch_flatten": {"params": ("x",), "write": "{ops}.reshape({x}, ({ops}.shape({x})[0], -1))"},
    "sqrt": {"params": ("x",), "write": "{ops}.sqrt({ops}.maximum({x}, 0.0))",
             "why": "Keras 1 clipped negative inputs to 0, Keras 3's sqrt gives nan"},
    "hard_sigmoid": {"params": ("x",), "write": "{ops}.clip(0.2 * {x} + 0.5, 0.0, 1.0)",
                     "why": "Keras 3's hard_sigmoid is relu6(x + 3) / 6, another slope"},
    "repeat": {"params": ("x", "n"), "write": "{ops}.repeat({ops}.expand_dims({x}, 1), {n}, axis=1)",
               "why": "ops.repeat is numpy's repeat (K.repeat_elements), not RepeatVector"},
    "switch": {"params": ("condition", "then_expression", "else_expression"),
               "write": "{ops}.where({condition}, {then_expression}, {else_expression})",
               "why": "ops.switch is another function (a branch index)"},
    "l2_normalize": {"params": ("x", "axis"), "write": "{ops}.normalize({x}, axis={axis}, order=2)"},
    "cast_to_floatx": {"params": ("x",), "write": "{ops}.cast({x}, {config}.floatx())"},
    "temporal_padding": {"params": ("x", "padding"), "defaults": {"padding": "1"},
                         "write": "{ops}.pad({x}, [[0, 0], [{padding}, {padding}], [0, 0]])"},
    "asymmetric_temporal_padding": {"params": ("x", "left_pad", "right_pad"),
                                    "defaults": {"left_pad": "1", "right_pad": "1"},
                                    "write": "{ops}.pad({x}, [[0, 0], [{left_pad}, {right_pad}], [0, 0]])"},
    "spatial_2d_padding": {
        "params": ("x", "padding", "dim_ordering"), "defaults": {"padding": "(1, 1)", **_DEFAULT_ORDERING},
        "choose": _ORDERING,
        "write": {"th": "{ops}.pad({x}, [[0, 0], [0, 0], [{padding[0]}, {padding[0]}], [{padding[1]}, {padding[1]}]])",
                  "tf": "{ops}.pad({x}, [[0, 0], [{padding[0]}, {padding[0]}], [{padding[1]}, {padding[1]}], [0, 0]])"}},
    "asymmetric_spatial_2d_padding": {
        "params": ("x", "top_pad", "bottom_pad", "left_pad", "right_pad", "dim_ordering"),
        "defaults": {"top_pad": "1", "bottom_pad": "1", "left_pad": "1", "right_pad": "1", **_DEFAULT_ORDERING},
        "choose": _ORDERING,
        "write": {"th": "{ops}.pad({x}, [[0, 0], [0, 0], [{top_pad}, {bottom_pad}], [{left_pad}, {right_pad}]])",
                  "tf": "{ops}.pad({x}, [[0, 0], [{top_pad}, {bottom_pad}], [{left_pad}, {right_pad}], [0, 0]])"}},
    "spatial_3d_padding": {
        "params": ("x", "padding", "dim_ordering"), "defaults": {"padding": "(1, 1, 1)", **_DEFAULT_ORDERING},
        "choose": _ORDERING,
        "write": {"th": "{ops}.pad({x}, [[0, 0], [0, 0], [{padding[0]}, {padding[0]}], [{padding[1]}, {padding[1]}], "
                        "[{padding[2]}, {padding[2]}]])",
                  "tf": "{ops}.pad({x}, [[0, 0], [{padding[0]}, {padding[0]}], [{padding[1]}, {padding[1]}], "
                        "[{padding[2]}, {padding[2]}], [0, 0]])"}},
    "resize_images": {
        "params": ("X", "height_factor", "width_factor", "dim_ordering"), "choose": _ORDERING,
        "write": {"th": "{ops}.repeat({ops}.repeat({X}, {height_factor}, axis=2), {width_factor}, axis=3)",
                  "tf": "{ops}.repeat({ops}.repeat({X}, {height_factor}, axis=1), {width_factor}, axis=2)"}},
    "resize_volumes": {
        "params": ("X", "depth_factor", "height_factor", "width_factor", "dim_ordering"), "choose": _ORDERING,
        "write": {"th": "{ops}.repeat({ops}.repeat({ops}.repeat({X}, {depth_factor}, axis=2), {height_factor}, "
                        "axis=3), {width_factor}, axis=4)",
                  "tf": "{ops}.repeat({ops}.repeat({ops}.repeat({X}, {depth_factor}, axis=1), {height_factor}, "
                        "axis=2), {width_factor}, axis=3)"}},
    # kind D: Keras 1's strides default (1, 1) is written (Keras 3's is the window); Theano's 'same' pooling
    # pads and crops otherwise than Keras 3, so only 'valid' is rewritten
    **{name: {"params": ("x", "pool_size", "strides", "border_mode", "dim_ordering", "pool_mode"),
              "defaults": {"strides": strides, "border_mode": "'valid'", "dim_ordering": "'default'",
                           "pool_mode": "'max'"},
              "values": {"border_mode": {"valid": "'valid'"},
                         "dim_ordering": {"default": "None", "th": "'channels_first'", "tf": "'channels_last'"}},
              "choose": "pool_mode",
              "why": "Keras 1's strides=(1, 1) written, Keras 3's default is the window; Theano padded 'same' "
                     "pooling otherwise than Keras 3",
              "write": {"max": "{ops}.max_pool({x}, {pool_size}, strides={strides}, padding={border_mode}, "
                               "data_format={dim_ordering})",
                        "avg": "{ops}.average_pool({x}, {pool_size}, strides={strides}, padding={border_mode}, "
                               "data_format={dim_ordering})"}}
       for name, strides in (("pool2d", "(1, 1)"), ("pool3d", "(1, 1, 1)"))},
    # the value now: Keras 3 tensors and variables are eager
    "eval": {"params": ("x",), "write": "{ops}.convert_to_numpy({x})"},
    "get_value": {"params": ("x",), "write": "{ops}.convert_to_numpy({x})"},
    "batch_get_value": {"params": ("xs",), "write": "[{ops}.convert_to_numpy(v) for v in {xs}]"},
    "set_value": {"params": ("x", "value"), "write": "{x}.assign({value})"},
    "int_shape": {"params": ("x",), "write": "{x}.shape"},
    "get_variable_shape": {"params": ("x",), "write": "{x}.shape"},
    "count_params": {"params": ("x",), "write": "int({ops}.size({x}))"},
}

#: Rewrites (``OPS`` or ``TEMPLATES``) that may compute something else than Keras 1: an unsafe fix, and why.
UNSAFE = {
    **{name: "Keras 3 computes from the logits a softmax/sigmoid output carries: saturated outputs give the true "
       "loss where Keras 1 clipped the probabilities to [epsilon, 1 - epsilon] (measured 2000 vs 16.12)"
       for name in ("binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy")},
    "switch": "Keras 1 also took callables for the branches, and its TensorFlow backend a scalar condition "
    "choosing between tensors of different shapes",
    "l2_normalize": "Keras 3 divides by sqrt(max(sum of squares, epsilon)): an all-zero vector gives 0, "
    "Keras 1 (Theano) gave nan",
    "cast_to_floatx": "Keras 1 returned a numpy array, this is a tensor",
    "in_top_k": "ties at the k-th value: Keras 1 (Theano) took the last k of argsort, Keras 3 counts every tie",
    "shape": "a tuple (its unknown sizes are symbolic), Keras 1 returned a 1-D int tensor",
    "dtype": "Keras 3 names the dtype in its standard form (Keras 1 TensorFlow variables said 'float32_ref')",
    "variable": "a keras.Variable: set it with .assign(), read it with keras.ops.convert_to_numpy",
    "eval": "Keras 1 evaluated a graph expression, this converts an eager tensor or variable",
    "get_value": "works on Keras 3 variables and eager tensors only",
    "batch_get_value": "works on Keras 3 variables and eager tensors only",
    "set_value": "x must be a keras.Variable; Keras 1 also cast the value to the variable's dtype",
    "int_shape": "a backend tensor's .shape is the backend's shape type; for KerasTensors and variables a tuple",
    "get_variable_shape": "x must be a keras.Variable (a tuple of ints)",
    "count_params": "ops.size of a symbolic tensor is not an int",
}

REPORT = {
    "batch_dot": "no keras.ops.batch_dot: use keras.ops.einsum (e.g. 'bi,bi->b') or keras.layers.Dot(axes=...); "
    "Keras 1's axes=None meant (x.ndim - 1, y.ndim - 2) and a 2-D result got an extra axis",
    "batch_set_value": "for v, value in tuples: v.assign(value)",
    "update": "v.assign(new) inside call()/train_step (Keras 1 returned an update for updates=[...])",
    "update_add": "v.assign_add(increment) inside call()/train_step",
    "update_sub": "v.assign_sub(decrement) inside call()/train_step",
    "moving_average_update": "v.assign(v * momentum + value * (1 - momentum)) inside call()/train_step",
    "normalize_batch_in_training": "mean, var = keras.ops.moments(x, axes=reduction_axes); then "
    "keras.ops.batch_normalization(x, mean, var, axis=..., offset=beta, scale=gamma, epsilon=epsilon)",
    "zeros": "keras.Variable(keras.ops.zeros(shape, dtype)) (Keras 1 returned a variable)",
    "ones": "keras.Variable(keras.ops.ones(shape, dtype)) (Keras 1 returned a variable)",
    "eye": "keras.Variable(keras.ops.eye(size, dtype=dtype)) (Keras 1 returned a variable)",
    "random_normal_variable": "keras.Variable(keras.random.normal(shape, mean, stddev=scale, seed=seed), "
    "dtype=dtype, name=name)",
    "random_uniform_variable": "keras.Variable(keras.random.uniform(shape, minval=low, maxval=high, seed=seed), "
    "dtype=dtype, name=name)",
    "function": "use keras.Model(inputs, outputs) and model.predict, or eager code",
    "gradients": "backend-specific: tf.GradientTape, jax.grad, torch.autograd",
    "learning_phase": "no global learning phase: pass training=True/False",
    "set_learning_phase": "pass training= explicitly",
    "in_train_phase": "use the training argument of call(): x if training else alt",
    "in_test_phase": "use the training argument of call(): alt if training else x",
    "placeholder": "keras.Input(shape=..., dtype=..., sparse=...) in a functional model",
    "get_session": "no TF1 session in Keras 3",
    "set_session": "no TF1 session in Keras 3",
    "manual_variable_initialization": "no TF1 variable initialization in Keras 3: variables are initialized "
    "when created",
    "legacy_weight_ordering": "gone with Keras 1's weight-ordering switch: load Keras 1 weights by layer",
    "set_legacy_weight_ordering": "gone with Keras 1's weight-ordering switch: load Keras 1 weights by layer",
    "reset_uids": "internal; keras.backend.clear_session() resets Keras 3's name counters",
    "is_explicit_shape": "Theano-only; a shape is a tuple of ints and None in Keras 3",
    "is_sparse": "no public Keras 3 function: a KerasTensor has .sparse",
    "to_dense": "no public Keras 3 op (sparse tensors are backend-specific, e.g. tf.sparse.to_dense)",
    "pattern_broadcast": "Theano-only; Keras 3 broadcasts by shape (keras.ops.broadcast_to)",
    "rnn": "wrap the step in a keras.layers.RNN cell",
    "print_tensor": "use the backend's print (tf.print)",
    "foldl": "keras.ops.scan(lambda acc, x: (fn(acc, x), None), initializer, elems)[0] (Keras 1's "
    "initializer=None started from elems[0] and folded elems[1:])",
    "foldr": "keras.ops.scan(lambda acc, x: (fn(acc, x), None), initializer, elems, reverse=True)[0] (Keras 1's "
    "initializer=None started from elems[-1])",
    "conv1d": "keras.ops.conv(x, kernel, strides=stride, padding=border_mode); Keras 1's Theano kernels are "
    "flipped",
    "conv2d": "keras.ops.conv(x, kernel, strides, padding, data_format, dilation_rate); Theano kernels "
    "(out, in, rows, cols) must be transposed to (rows, cols, in, out) and flipped",
    "conv3d": "keras.ops.conv(x, kernel, strides, padding, data_format); Theano kernels "
    "(out, in, d1, d2, d3) must be transposed to (d1, d2, d3, in, out) and flipped",
    "atrous_conv2d": "keras.ops.conv(x, kernel, padding=border_mode, data_format=..., dilation_rate=rate); "
    "Theano kernels must be transposed and flipped",
    "deconv2d": "keras.ops.conv_transpose(x, kernel, strides, padding, output_padding, data_format): Keras 1's "
    "output_shape has no counterpart (choose output_padding), and Theano kernels must be transposed",
    "separable_conv2d": "keras.ops.separable_conv(x, depthwise_kernel, pointwise_kernel, strides, "
    "padding=border_mode, data_format=...)",
    "ctc_batch_cost": "keras.ops.ctc_loss(target=y_true, output=y_pred, target_length=label_length[:, 0], "
    "output_length=input_length[:, 0], mask_index=num_classes - 1) (Keras 1's blank is the last class, its "
    "lengths are (batch, 1)); or keras.losses.CTC",
    "ctc_decode": "keras.ops.ctc_decode(y_pred, input_length, strategy='greedy' (greedy=True) or 'beam_search', "
    "beam_width=..., top_paths=..., mask_index=num_classes - 1) (Keras 1's blank is the last class)",
    "ctc_cost": "Theano-only; keras.ops.ctc_loss",
    "ctc_create_skip_idxs": "Theano-only CTC helper; keras.ops.ctc_loss",
    "ctc_interleave_blanks": "Theano-only CTC helper; keras.ops.ctc_loss",
    "ctc_path_probs": "Theano-only CTC helper; keras.ops.ctc_loss",
    "ctc_update_log_p": "Theano-only CTC helper; keras.ops.ctc_loss",
    "ctc_label_dense_to_sparse": "TensorFlow-only helper; keras.ops.ctc_loss takes dense labels",
}

#: Keras 1 functions Keras 3's ``keras.backend`` still has with the same meaning: left as written.
KEPT = {
    "clear_session": "keras.backend.clear_session (also keras.utils.clear_session)",
    "epsilon": "keras.backend.epsilon = keras.config.epsilon (1e-7 in both)",
    "floatx": "keras.backend.floatx = keras.config.floatx",
    "set_epsilon": "keras.backend.set_epsilon = keras.config.set_epsilon",
    "set_floatx": "keras.backend.set_floatx = keras.config.set_floatx",
    "get_uid": "keras.backend.get_uid (counts per prefix from 1, as Keras 1)",
    "is_keras_tensor": "keras.backend.is_keras_tensor (also keras.utils.is_keras_tensor)",
}

#: Keyword names of the ``KEPT`` functions that Keras 3 spells otherwise (Keras 1 name → Keras 3 name).
KEPT_KEYWORDS = {"set_epsilon": {"e": "value"}, "set_floatx": {"floatx": "value"}}

#: Keras 1's image-ordering functions (kind V) and their Keras 3 ``keras.config`` functions.
IMAGE_DIM_ORDERING_FUNCTIONS = {"image_dim_ordering": "image_data_format",
                                "set_image_dim_ordering": "set_image_data_format"}

#: ``K.image_dim_ordering()``'s values and Keras 3's ``keras.config.image_data_format()`` (kind V).
IMAGE_DIM_ORDERING = {"tf": "channels_last", "th": "channels_first"}

#: Why ``K.set_image_dim_ordering('th')`` → ``set_image_data_format('channels_first')`` is unsafe (T16).
CHANNELS_FIRST_TRAP = ("Keras 3's Conv1D, pooling 1D, GlobalPooling1D and Flatten follow the global format too "
                       "(Keras 1's never did): write data_format='channels_last' on them (T16)")
