"""Keras 1.2.2 layer constructors and their Keras 3 spelling (spec §4.0, §4.2, §4.3).

Adding a rename is one row: an argument in ``COMMON_ARGUMENTS`` or ``CLASS_ARGUMENTS``, a value in
``VALUES``, a class in ``CLASSES``.
"""

#: Keras 1 constructor parameters in positional order (Keras 1.2.2 ``__init__`` signatures).
_CONV_TAIL = ("W_regularizer", "b_regularizer", "activity_regularizer", "W_constraint", "b_constraint", "bias")
_DENSE = ("output_dim", "init", "activation", "weights", "W_regularizer", "b_regularizer",
          "activity_regularizer", "W_constraint", "b_constraint", "bias", "input_dim")
_POOL2D = ("pool_size", "strides", "border_mode", "dim_ordering")
_POOL1D = ("pool_length", "stride", "border_mode")
_RNN_TAIL = ("W_regularizer", "U_regularizer", "b_regularizer", "dropout_W", "dropout_U")

SIGNATURES = {
    "Dense": _DENSE,
    "Dropout": ("p", "noise_shape", "seed"),
    "SpatialDropout1D": ("p",),
    "SpatialDropout2D": ("p", "dim_ordering"),
    "SpatialDropout3D": ("p", "dim_ordering"),
    "GaussianNoise": ("sigma",),
    "GaussianDropout": ("p",),
    "Convolution1D": ("nb_filter", "filter_length", "init", "activation", "weights", "border_mode",
                      "subsample_length", *_CONV_TAIL, "input_dim", "input_length"),
    "AtrousConvolution1D": ("nb_filter", "filter_length", "init", "activation", "weights", "border_mode",
                            "subsample_length", "atrous_rate", *_CONV_TAIL),
    "Convolution2D": ("nb_filter", "nb_row", "nb_col", "init", "activation", "weights", "border_mode",
                      "subsample", "dim_ordering", *_CONV_TAIL),
    "AtrousConvolution2D": ("nb_filter", "nb_row", "nb_col", "init", "activation", "weights", "border_mode",
                            "subsample", "atrous_rate", "dim_ordering", *_CONV_TAIL),
    "Deconvolution2D": ("nb_filter", "nb_row", "nb_col", "output_shape", "init", "activation", "weights",
                        "border_mode", "subsample", "dim_ordering", *_CONV_TAIL),
    "SeparableConvolution2D": ("nb_filter", "nb_row", "nb_col", "init", "activation", "weights", "border_mode",
                               "subsample", "depth_multiplier", "dim_ordering", "depthwise_regularizer",
                               "pointwise_regularizer", "b_regularizer", "activity_regularizer",
                               "depthwise_constraint", "pointwise_constraint", "b_constraint", "bias"),
    "Convolution3D": ("nb_filter", "kernel_dim1", "kernel_dim2", "kernel_dim3", "init", "activation", "weights",
                      "border_mode", "subsample", "dim_ordering", *_CONV_TAIL),
    "UpSampling1D": ("length",),
    "UpSampling2D": ("size", "dim_ordering"),
    "UpSampling3D": ("size", "dim_ordering"),
    "ZeroPadding1D": ("padding",),
    "ZeroPadding2D": ("padding", "dim_ordering"),
    "ZeroPadding3D": ("padding", "dim_ordering"),
    "Cropping1D": ("cropping",),
    "Cropping2D": ("cropping", "dim_ordering"),
    "Cropping3D": ("cropping", "dim_ordering"),
    "MaxPooling1D": _POOL1D,
    "AveragePooling1D": _POOL1D,
    "MaxPooling2D": _POOL2D,
    "AveragePooling2D": _POOL2D,
    "MaxPooling3D": _POOL2D,
    "AveragePooling3D": _POOL2D,
    "GlobalAveragePooling2D": ("dim_ordering",),
    "GlobalMaxPooling2D": ("dim_ordering",),
    "GlobalAveragePooling3D": ("dim_ordering",),
    "GlobalMaxPooling3D": ("dim_ordering",),
    "GlobalAveragePooling1D": (),
    "GlobalMaxPooling1D": (),
    "SimpleRNN": ("output_dim", "init", "inner_init", "activation", *_RNN_TAIL),
    "GRU": ("output_dim", "init", "inner_init", "activation", "inner_activation", *_RNN_TAIL),
    "LSTM": ("output_dim", "init", "inner_init", "forget_bias_init", "activation", "inner_activation", *_RNN_TAIL),
    "ConvLSTM2D": ("nb_filter", "nb_row", "nb_col", "init", "inner_init", "forget_bias_init", "activation",
                   "inner_activation", "dim_ordering", "border_mode", "subsample", "W_regularizer",
                   "U_regularizer", "b_regularizer", "dropout_W", "dropout_U"),
    "Embedding": ("input_dim", "output_dim", "init", "input_length", "W_regularizer", "activity_regularizer",
                  "W_constraint", "mask_zero", "weights", "dropout"),
    "BatchNormalization": ("epsilon", "mode", "axis", "momentum", "weights", "beta_init", "gamma_init",
                           "gamma_regularizer", "beta_regularizer"),
    "LeakyReLU": ("alpha",),
    "PReLU": ("init", "weights", "shared_axes"),
    "ELU": ("alpha",),
    "Activation": ("activation",),
    "Lambda": ("function", "output_shape", "arguments"),  # T4: Keras 3's third positional is mask
    "InputLayer": ("input_shape", "batch_input_shape", "input_dtype", "input_tensor", "sparse", "name"),
    "Input": ("shape", "batch_shape", "name", "dtype", "sparse", "tensor"),  # Keras 3: shape, batch_size, ...
    "Flatten": (),
}

#: Keras 1 aliases (``keras/layers/convolutional.py``): same class, same signature.
ALIASES = {
    "Conv1D": "Convolution1D",
    "Conv2D": "Convolution2D",
    "Conv3D": "Convolution3D",
    "AtrousConv1D": "AtrousConvolution1D",
    "AtrousConv2D": "AtrousConvolution2D",
    "Deconv2D": "Deconvolution2D",
    "SeparableConv2D": "SeparableConvolution2D",
    # Keras 2's name, whose legacy interface still read Keras 1's positionals (kernel parts, output_shape)
    "Conv2DTranspose": "Deconvolution2D",
}

#: Keras 1 classes that Keras 3 replaces by a class with other arguments (spec §4.3): class → (Keras 3
#: module, class, Keras 1 parameters in positional order (written by keyword), argument renames, Keras 1
#: defaults written when left out as (Keras 1 parameter, Keras 3 argument, code), why the fix is unsafe
#: or None).
REPLACED_CLASSES = {
    "ThresholdedReLU": ("keras.layers", "ReLU", ("theta",), {"theta": "threshold"}, (("theta", "threshold", "1.0"),),
                        "Keras 1 computed x * (x > theta), ReLU(threshold=theta) keeps x == theta"),
    "Container": ("keras.models", "Model", ("input", "output", "name"), {"input": "inputs", "output": "outputs"},
                  (), None),
}

#: Keras 1 class → Keras 3 class in ``keras.layers`` (spec §4.3).
CLASSES = {
    "Convolution1D": "Conv1D",
    "AtrousConvolution1D": "Conv1D",
    "Convolution2D": "Conv2D",
    "AtrousConvolution2D": "Conv2D",
    "Deconvolution2D": "Conv2DTranspose",
    "SeparableConvolution2D": "SeparableConv2D",
    "Convolution3D": "Conv3D",
}

#: Keras 1 positional parameters that Keras 3 merges into one tuple argument (spec T1/T2):
#: class → (parameters, Keras 3 argument).
KERNEL_PARTS = {
    "Convolution2D": (("nb_row", "nb_col"), "kernel_size"),
    "AtrousConvolution2D": (("nb_row", "nb_col"), "kernel_size"),
    "Deconvolution2D": (("nb_row", "nb_col"), "kernel_size"),
    "SeparableConvolution2D": (("nb_row", "nb_col"), "kernel_size"),
    "Convolution3D": (("kernel_dim1", "kernel_dim2", "kernel_dim3"), "kernel_size"),
    "ConvLSTM2D": (("nb_row", "nb_col"), "kernel_size"),
}

#: How many leading Keras 1 positional arguments mean the same in Keras 3 at the same position
#: (after the kernel merge, which counts as one); the others are written as keywords.
SAME_POSITIONAL = {
    "Dense": 1, "Dropout": 3, "SpatialDropout1D": 1, "SpatialDropout2D": 1, "SpatialDropout3D": 1,
    "GaussianNoise": 1, "GaussianDropout": 1,
    "Convolution1D": 2, "AtrousConvolution1D": 2, "Convolution2D": 2, "AtrousConvolution2D": 2,
    "Deconvolution2D": 2, "SeparableConvolution2D": 2, "Convolution3D": 2, "ConvLSTM2D": 2,
    "UpSampling1D": 1, "UpSampling2D": 1, "UpSampling3D": 1, "ZeroPadding1D": 1, "ZeroPadding2D": 1,
    "ZeroPadding3D": 1, "Cropping1D": 1, "Cropping2D": 1, "Cropping3D": 1,
    "MaxPooling1D": 3, "AveragePooling1D": 3, "MaxPooling2D": 4, "AveragePooling2D": 4,
    "MaxPooling3D": 4, "AveragePooling3D": 4, "GlobalAveragePooling2D": 1, "GlobalMaxPooling2D": 1,
    "GlobalAveragePooling3D": 1, "GlobalMaxPooling3D": 1,
    "SimpleRNN": 1, "GRU": 1, "LSTM": 1, "Embedding": 3, "BatchNormalization": 0,
    "LeakyReLU": 0, "PReLU": 1, "ELU": 1, "Activation": 1, "Lambda": 2, "InputLayer": 1, "Input": 1,
}

#: Argument renames shared by every layer that has the argument (Keras 2 ``legacy/interfaces.py``).
COMMON_ARGUMENTS = {
    "output_dim": "units",
    "init": "kernel_initializer",
    "W_regularizer": "kernel_regularizer",
    "b_regularizer": "bias_regularizer",
    "W_constraint": "kernel_constraint",
    "b_constraint": "bias_constraint",
    "bias": "use_bias",
    "border_mode": "padding",
    "subsample": "strides",
    "subsample_length": "strides",
    "dim_ordering": "data_format",
    "nb_filter": "filters",
    "filter_length": "kernel_size",
    "atrous_rate": "dilation_rate",
    "inner_init": "recurrent_initializer",
    "inner_activation": "recurrent_activation",
    "U_regularizer": "recurrent_regularizer",
    "dropout_W": "dropout",
    "dropout_U": "recurrent_dropout",
    "beta_init": "beta_initializer",
    "gamma_init": "gamma_initializer",
    "pool_length": "pool_size",
}

#: Renames that hold for one class only (override the common ones; a name mapped to itself is kept).
CLASS_ARGUMENTS = {
    "Dropout": {"p": "rate"},
    "SpatialDropout1D": {"p": "rate"},
    "SpatialDropout2D": {"p": "rate"},
    "SpatialDropout3D": {"p": "rate"},
    "GaussianDropout": {"p": "rate"},
    "GaussianNoise": {"sigma": "stddev"},
    "MaxPooling1D": {"stride": "strides"},
    "AveragePooling1D": {"stride": "strides"},
    "UpSampling1D": {"length": "size"},
    "LeakyReLU": {"alpha": "negative_slope"},
    "PReLU": {"init": "alpha_initializer"},
    # Keras 3's Embedding(input_dim, output_dim) kept the name: ``units`` would raise.
    "Embedding": {"output_dim": "output_dim", "init": "embeddings_initializer", "W_regularizer": "embeddings_regularizer",
                  "W_constraint": "embeddings_constraint"},
    "InputLayer": {"input_shape": "shape", "batch_input_shape": "batch_shape", "input_dtype": "dtype"},
    "SeparableConvolution2D": {"init": "depthwise_initializer"},
}

#: Keras 1 padding given per side (``ZeroPadding2D((top, bottom, left, right))`` or a dict of these keys,
#: missing keys 0): class → (argument, the sides in the 4-tuple's order).  Keras 3 takes
#: ``((top, bottom), (left, right))``.
PADDING_SIDES = {"ZeroPadding2D": ("padding", ("top_pad", "bottom_pad", "left_pad", "right_pad")),
                 "ZeroPadding1D": ("padding", ("left_pad", "right_pad"))}

#: Code for Keras 1's ``hard_sigmoid`` (clip(0.2 x + 0.5, 0, 1)); ``{ops}`` is ``keras.ops`` in the
#: file's import style.  Keras 3's own ``'hard_sigmoid'`` is relu6(x + 3) / 6, another function (T10).
HARD_SIGMOID = "lambda x: {ops}.clip(0.2 * x + 0.5, 0.0, 1.0)"
#: Keras 1's ``'orthogonal'`` had scale 1.1; Keras 3's string means gain 1.0 (spec §4.6).
ORTHOGONAL = "{initializers}.Orthogonal(gain=1.1)"
#: Placeholders in the code of these tables → the (module, name) they stand for, written in the file's import
#: style (``{ops}`` is ``ops`` after ``from keras import ops``, else ``keras.ops``).
REFERENCES = {"ops": ("keras", "ops"), "initializers": ("keras", "initializers")}

#: Keras 1 initializer strings that name the same initializer in Keras 3 (measured, spec §4.6: ``'uniform'``
#: is U(-0.05, 0.05) and ``'normal'`` N(0, 0.05) in both): kept as written.
SAME_INITIALIZERS = frozenset({"uniform", "normal", "zero", "one", "glorot_uniform", "he_uniform", "lecun_uniform"})
#: Keras 1 initializer strings whose Keras 3 namesake draws from another distribution of the same variance:
#: kept (a model's results never depended on one draw), and the finding says so.
OTHER_DISTRIBUTION = {
    "glorot_normal": "Keras 3's 'glorot_normal' is a truncated normal (Keras 1's a plain normal) of the same variance",
    "he_normal": "Keras 3's 'he_normal' is a truncated normal (Keras 1's a plain normal) of the same variance",
}

#: Value maps: Keras 1 argument → {Keras 1 literal value → Keras 3 code, or DROP to omit the argument}.
DROP = None
VALUES = {
    "dim_ordering": {"th": "'channels_first'", "tf": "'channels_last'", "default": DROP},
    "data_format": {"th": "'channels_first'", "tf": "'channels_last'"},  # Keras 1 values under the Keras 2 name
    "consume_less": {"cpu": DROP, "mem": DROP, "gpu": DROP},
    "inner_activation": {"hard_sigmoid": HARD_SIGMOID},
    "activation": {"hard_sigmoid": HARD_SIGMOID},
    "mode": {0: DROP},  # BatchNormalization's default: feature-wise, moving statistics at test time
    "init": {"orthogonal": ORTHOGONAL},
    "inner_init": {"orthogonal": ORTHOGONAL},
    "implementation": {0: DROP},  # Keras 2's consume_less='cpu'; Keras 3 computes the same with its default
    "weights": {None: DROP},  # Keras 1's default: no initial weights
}

#: Layers whose Keras 1 ``input_dim``/``input_length`` describe a sequence: they become
#: ``input_shape=(input_length, input_dim)`` (Keras 3 would turn ``input_dim`` alone into a rank-2 shape, T17).
SEQUENCE_INPUT = frozenset({"SimpleRNN", "GRU", "LSTM", "Convolution1D", "AtrousConvolution1D"})

#: Keras 1 arguments that Keras 3 splits in two: (class, argument) → the second Keras 3 argument, given the
#: same value (Keras 1 initialised both separable kernels with ``init``).
COPIED_ARGUMENTS = {("SeparableConvolution2D", "init"): "pointwise_initializer"}

#: Layers whose Keras 1 ``input_dim`` is the whole input shape, left as written: Keras 3 still reads it as
#: ``input_shape=(input_dim,)`` (measured; ``input_shape`` would not even avoid Keras 3's warning).
VECTOR_INPUT = frozenset({"Dense"})

#: Keras 1 arguments that Keras 3 infers, dropped: (class, argument) → the stride parameter.  Exact when
#: the strides are 1 (one output size fits the input); with larger strides several sizes fit, Keras 3
#: computes one, Keras 1 took the given one (``output_padding=`` picks another), so the fix is unsafe.
DROPPED_ARGUMENTS = {("Deconvolution2D", "output_shape"): "subsample"}

#: Arguments every value of which changes: a value that is not a literal cannot be rewritten.
VALUES_REQUIRED = frozenset({"dim_ordering", "consume_less"})

#: Keras 1 arguments that become another argument with a value: argument → {value → (Keras 3 argument, code)}.
VALUE_RENAMES = {
    "forget_bias_init": {"one": ("unit_forget_bias", "True")},
}

#: Keras 3 defaults that differ from Keras 1: class → [(Keras 1 parameter, Keras 3 argument, code)].
#: The code is written when the call leaves the Keras 1 parameter out (kind D).
DEFAULTS = {
    "LSTM": [("inner_activation", "recurrent_activation", HARD_SIGMOID),
             ("inner_init", "recurrent_initializer", ORTHOGONAL)],
    "GRU": [("inner_activation", "recurrent_activation", HARD_SIGMOID), (None, "reset_after", "False"),
            ("inner_init", "recurrent_initializer", ORTHOGONAL)],
    "SimpleRNN": [("inner_init", "recurrent_initializer", ORTHOGONAL)],
    "ConvLSTM2D": [("inner_activation", "recurrent_activation", HARD_SIGMOID),
                   ("inner_init", "recurrent_initializer", ORTHOGONAL)],
    "AveragePooling1D": [("pool_length", "pool_size", "2")],
    "AveragePooling2D": [("pool_size", "pool_size", "(2, 2)")],
    "AveragePooling3D": [("pool_size", "pool_size", "(2, 2, 2)")],
}

#: Keras 3 arguments written when the file sets the global image format to channels first
#: (``set_image_dim_ordering('th')``, ``set_image_data_format('channels_first')``): Keras 3's layer then follows
#: it where Keras 1's never did (T16) — ``Flatten`` would transpose to channels-last order first.  Elsewhere the
#: global format is channels last and the Keras 1 call means the same.  Class → [(Keras 1 parameter or None,
#: Keras 3 argument, code)].
_CHANNELS_LAST = [(None, "data_format", "'channels_last'")]
CHANNELS_FIRST_DEFAULTS = {"Flatten": _CHANNELS_LAST,
                           # Keras 1's 1D layers always took (batch, steps, features)
                           "Convolution1D": _CHANNELS_LAST, "AtrousConvolution1D": _CHANNELS_LAST,
                           "MaxPooling1D": _CHANNELS_LAST, "AveragePooling1D": _CHANNELS_LAST,
                           "GlobalAveragePooling1D": _CHANNELS_LAST, "GlobalMaxPooling1D": _CHANNELS_LAST,
                           "ZeroPadding1D": _CHANNELS_LAST}
#: The calls that set the global image format, and their channels-first value.
CHANNELS_FIRST_CALLS = {"set_image_dim_ordering": "th", "set_image_data_format": "channels_first"}

#: Keras 1 parameters that Keras 1 ignored when another is given (Keras 3 raises when both are):
#: class → (the parameter that wins, the one dropped).
OVERRIDES = {"Input": ("batch_shape", "shape"), "InputLayer": ("batch_input_shape", "input_shape")}

#: Keras 1 layers whose mask passed through once the code set ``layer.supports_masking = True``; Keras 3's
#: computes its mask from an argument instead (spec §4.7): class → (argument, code).
MASK_PASSED_THROUGH = {"Lambda": ("mask", "lambda inputs, mask: mask")}

#: Layers whose ``border_mode='same'`` Keras 1's reference backend (Theano) places otherwise than Keras 3
#: unless every window dimension is odd and every stride is 1 (measured: a 2-wide kernel or pool, or a
#: 3-wide one with stride 2 on an even input, shift the outputs).  Class → (window parameters, their
#: Keras 1 default, stride parameter, whether the stride defaults to the window (pooling)).
_POOL2D_WINDOW = (("pool_size",), "(2, 2)", "strides", True)
_POOL3D_WINDOW = (("pool_size",), "(2, 2, 2)", "strides", True)
_POOL1D_WINDOW = (("pool_length",), "2", "stride", True)
SAME_PADDING = {
    "Convolution1D": (("filter_length",), None, "subsample_length", False),
    "AtrousConvolution1D": (("filter_length",), None, "subsample_length", False),
    "Convolution2D": (("nb_row", "nb_col"), None, "subsample", False),
    "AtrousConvolution2D": (("nb_row", "nb_col"), None, "subsample", False),
    "Deconvolution2D": (("nb_row", "nb_col"), None, "subsample", False),
    # (SeparableConvolution2D ran only with Keras 1's TensorFlow backend, which padded as Keras 3 does.)
    "Convolution3D": (("kernel_dim1", "kernel_dim2", "kernel_dim3"), None, "subsample", False),
    "ConvLSTM2D": (("nb_row", "nb_col"), None, "subsample", False),
    "MaxPooling1D": _POOL1D_WINDOW, "AveragePooling1D": _POOL1D_WINDOW,
    "MaxPooling2D": _POOL2D_WINDOW, "AveragePooling2D": _POOL2D_WINDOW,
    "MaxPooling3D": _POOL3D_WINDOW, "AveragePooling3D": _POOL3D_WINDOW,
}

#: Keras 1 arguments that, on the first layer of a ``Sequential``, describe the model's input (Keras 1 built
#: the input from them; Keras 3 ignores them): class → (argument, Keras 3 ``Input`` arguments, ``{value}``
#: standing for the argument's value).  Keras 1's Embedding input was int32.
FIRST_LAYER_INPUT = {"Embedding": ("input_length", "shape=({value},), dtype='int32'")}

#: ``border_mode='full'`` (Theano only): the same as zero padding of (window - 1) on each side, then 'valid'
#: (measured, strides too): class → (window parameters, Keras 3 padding layer).
FULL_PADDING = {
    "Convolution1D": (("filter_length",), "ZeroPadding1D"),
    "Convolution2D": (("nb_row", "nb_col"), "ZeroPadding2D"),
}

#: Exceptions to the rows below: (class, argument) that Keras 3 keeps.
HAS_EQUIVALENT = frozenset({("Embedding", "weights"), ("InputLayer", "input_dtype"),
                            ("InputLayer", "batch_input_shape")})

#: Keras 1 arguments without an exact Keras 3 argument (kinds S and X): (class or "*", argument) → what to do.
#: A literal value may narrow the row: (class, argument, value).
NO_EQUIVALENT = {
    ("*", "weights"): "Keras 3 layers take no weights=: build the layer, then layer.set_weights(...) "
    "(Keras 1 Theano kernels are flipped and laid out (out, in, rows, cols))",
    ("*", "input_dtype"): "start the model with keras.Input(shape=..., dtype=...)",
    ("*", "batch_input_shape"): "start the model with keras.Input(batch_shape=...)",
    ("*", "border_mode", "full"): "no 'full' padding in Keras 3: ZeroPadding (kernel size - 1 on each side) "
    "then padding='valid'",
    ("*", "padding", "full"): "no 'full' padding in Keras 3: ZeroPadding (kernel size - 1 on each side) "
    "then padding='valid'",
    ("BatchNormalization", "mode"): "mode=1 normalises each sample with its own statistics (close to "
    "LayerNormalization, not exact); mode=2 uses batch statistics at test time too: no Keras 3 equivalent "
    "(mode=0, the default, is dropped)",
    ("Embedding", "dropout"): "Keras 1 dropped whole words; write a custom word dropout",
    ("Embedding", "input_length"): "start the model with keras.Input(shape=(input_length,), dtype='int32')",
    ("Lambda", "output_shape", None): "Keras 1 with Theano took the input shape as the output shape; Keras 3 "
    "infers it by running the function: pass output_shape=... if code reads the layer's output shape",
    ("*", "forget_bias_init"): "only 'one' maps (unit_forget_bias=True); otherwise unit_forget_bias=False "
    "and bias_initializer=...",
}

#: Modules where Keras 1/2 code gets its layer classes (the rules match calls through any of them).
LAYER_MODULES = (
    "keras.layers", "keras.layers.core", "keras.layers.convolutional", "keras.layers.convolutional_recurrent",
    "keras.layers.recurrent", "keras.layers.embeddings", "keras.layers.normalization",
    "keras.layers.advanced_activations", "keras.layers.noise", "keras.layers.pooling", "keras.legacy.layers",
    "keras.layers.local",
    "keras.engine", "keras.engine.topology",
)

#: Keras 1 weight regularizers and constraints → Keras 3 (spec §4.6): qualified name → (Keras 3 name in the
#: same module, Keras 1 parameters in positional order, argument renames, Keras 1 defaults written when left
#: out as (Keras 1 parameter, Keras 3 argument, code)).  Positions mean the same in Keras 3.
_L1L2_DEFAULTS = (("l1", "l1", "0.01"), ("l2", "l2", "0.01"))  # Keras 3's l1_l2 defaults to 0.0
WEIGHT_CALLABLES = {
    "keras.regularizers.l1": ("l1", ("l",), {"l": "l1"}, ()),
    "keras.regularizers.l2": ("l2", ("l",), {"l": "l2"}, ()),
    "keras.regularizers.l1l2": ("l1_l2", ("l1", "l2"), {}, _L1L2_DEFAULTS),
    "keras.regularizers.activity_l1": ("l1", ("l",), {"l": "l1"}, ()),
    "keras.regularizers.activity_l2": ("l2", ("l",), {"l": "l2"}, ()),
    "keras.regularizers.activity_l1l2": ("l1_l2", ("l1", "l2"), {}, _L1L2_DEFAULTS),
    "keras.regularizers.L1L2Regularizer": ("L1L2", ("l1", "l2"), {}, ()),
    "keras.regularizers.WeightRegularizer": ("L1L2", ("l1", "l2"), {}, ()),
    "keras.regularizers.ActivityRegularizer": ("L1L2", ("l1", "l2"), {}, ()),
    "keras.constraints.maxnorm": ("max_norm", ("m", "axis"), {"m": "max_value"}, ()),
    "keras.constraints.MaxNorm": ("MaxNorm", ("m", "axis"), {"m": "max_value"}, ()),
    "keras.constraints.nonneg": ("non_neg", (), {}, ()),
    "keras.constraints.unitnorm": ("unit_norm", ("axis",), {}, ()),
    "keras.constraints.MinMaxNorm": ("MinMaxNorm", ("low", "high", "rate", "axis"),
                                     {"low": "min_value", "high": "max_value"}, ()),
}

#: Keras 1 ``Layer.add_weight`` parameters in positional order (custom layers); Keras 3's third parameter is
#: ``dtype``, so a call with more than two positional arguments is written by keyword.
ADD_WEIGHT = ("shape", "initializer", "name", "trainable", "regularizer", "constraint")
ADD_WEIGHT_SAME_POSITIONAL = 2
#: Where Keras 1 code gets the base class of its custom layers.
LAYER_BASES = frozenset({"keras.engine.topology.Layer", "keras.engine.Layer", "keras.layers.Layer",
                         "keras.layers.core.Layer"})
