"""Keras 1/2 module paths that Keras 3 removed, and where their public names live now (spec §4.1).

A test checks every Keras 3 target below against the installed Keras 3.
"""

#: Removed module → the public Keras 3 module that holds its names under the same names (spec §4.1a).
MODULES = {
    "keras.layers.core": "keras.layers",
    "keras.layers.convolutional": "keras.layers",
    "keras.layers.convolutional_recurrent": "keras.layers",
    "keras.layers.recurrent": "keras.layers",
    "keras.layers.embeddings": "keras.layers",
    "keras.layers.normalization": "keras.layers",
    "keras.layers.advanced_activations": "keras.layers",
    "keras.layers.wrappers": "keras.layers",
    "keras.layers.noise": "keras.layers",
    "keras.layers.pooling": "keras.layers",
    "keras.layers.local": "keras.layers",
    "keras.layers.merge": "keras.layers",  # Keras 2
    "keras.engine": "keras.layers",
    "keras.engine.topology": "keras.layers",
    "keras.engine.training": "keras.models",
    "keras.legacy.layers": "keras.layers",  # Keras 2
    "keras.utils.np_utils": "keras.utils",
    "keras.utils.visualize_util": "keras.utils",
    "keras.utils.data_utils": "keras.utils",
    "keras.utils.generic_utils": "keras.utils",
    "keras.utils.io_utils": "keras.utils",
    "keras.utils.layer_utils": "keras.utils",
    "keras.objectives": "keras.losses",
}

#: Removed modules whose name Keras 1 also gave a function: ``from keras.layers import merge`` and
#: ``keras.layers.merge(...)`` are the Keras 1 ``merge`` function (the merge rules' business).
ALSO_FUNCTIONS = frozenset({"keras.layers.merge"})

#: Removed modules none of whose names has an exact Keras 3 spelling: module → what to do.
MODULES_WITHOUT_EQUIVALENT = {
    "keras.initializations": "Keras 3 has keras.initializers: pass an initializer object or string "
    "(K1's initializer functions took a shape; 'orthogonal' had gain 1.1, 'glorot_normal'/'he_normal' "
    "were plain normal, Keras 3 truncates)",
    "keras.preprocessing.text": "use keras.layers.TextVectorization (different API and indices)",
    "keras.wrappers.scikit_learn": "use keras.wrappers.SKLearnClassifier / SKLearnRegressor(model=..., "
    "model_kwargs=..., fit_kwargs=...) (a different constructor)",
    "keras.legacy.interfaces": "internal Keras 2 module: remove the import",
    "keras.utils.test_utils": "keras.src.testing is private: copy what you need",
    "keras.applications.audio_conv_utils": "Keras 3 has no audio_conv_utils: copy preprocess_input (a librosa "
    "mel-spectrogram) and decode_predictions (the 50 Million Song Dataset tags) from Keras 1.2.2 "
    "(keras/applications/audio_conv_utils.py)",
}

#: Names that Keras 3 modules of the same path no longer hold (private Keras 1 helpers): (module, name) → what
#: to do.
REMOVED_NAMES = {
    ("keras.applications.imagenet_utils", "_obtain_input_shape"): "private Keras 1 helper that Keras 3 does not "
    "export: copy its code from Keras 1.2.2 (keras/applications/imagenet_utils.py) or write the input shape "
    "(it takes Keras 1's 'tf'/'th' ordering)",
}

#: Names the Keras 3 modules hold that Keras 1/2 code imports from the removed modules (spec §4.1b).
KERAS3_NAMES = {
    "keras.layers": frozenset({
        # core
        "Masking", "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "Activation",
        "Reshape", "Permute", "Flatten", "RepeatVector", "Lambda", "Dense", "ActivityRegularization",
        # convolutional (Keras 1 names and Keras 2 additions)
        "Convolution1D", "Convolution2D", "Convolution3D", "Conv1D", "Conv2D", "Conv3D",
        "SeparableConvolution2D", "SeparableConv2D", "SeparableConv1D", "Conv2DTranspose", "Conv3DTranspose",
        "DepthwiseConv2D", "UpSampling1D", "UpSampling2D", "UpSampling3D", "ZeroPadding1D", "ZeroPadding2D",
        "ZeroPadding3D", "Cropping1D", "Cropping2D", "Cropping3D",
        "ConvLSTM2D",
        # recurrent (and Keras 2 cells)
        "SimpleRNN", "GRU", "LSTM", "RNN", "SimpleRNNCell", "GRUCell", "LSTMCell", "StackedRNNCells",
        "Embedding", "BatchNormalization",
        "LeakyReLU", "PReLU", "ELU", "ReLU", "Softmax",
        "Wrapper", "TimeDistributed", "Bidirectional",
        "GaussianNoise", "GaussianDropout", "AlphaDropout",
        "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D",
        "AveragePooling3D", "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D",
        "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
        # engine
        "Layer", "Input", "InputLayer", "InputSpec",
        # Keras 2 merge layers and functions
        "Add", "Multiply", "Average", "Maximum", "Minimum", "Subtract", "Concatenate", "Dot",
        "add", "multiply", "average", "maximum", "minimum", "subtract", "concatenate", "dot",
    }),
    "keras.models": frozenset({"Model", "Sequential", "load_model", "save_model", "model_from_json", "clone_model"}),
    "keras.utils": frozenset({
        "to_categorical", "normalize", "plot_model", "model_to_dot", "get_file", "Progbar",
        "get_custom_objects", "custom_object_scope", "CustomObjectScope", "get_source_inputs", "Sequence",
        "pad_sequences",
    }),
    "keras.losses": frozenset({
        "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
        "mean_squared_logarithmic_error", "squared_hinge", "hinge", "categorical_crossentropy",
        "sparse_categorical_crossentropy", "binary_crossentropy", "kl_divergence", "poisson", "get",
    }),
}

#: Names that moved to another Keras 3 module or were renamed, exactly (kind R):
#: (removed module, name) → (Keras 3 module, Keras 3 name).
MOVED = {
    ("keras.engine", "Model"): ("keras.models", "Model"),
    ("keras.engine", "get_source_inputs"): ("keras.utils", "get_source_inputs"),
    ("keras.engine.topology", "get_source_inputs"): ("keras.utils", "get_source_inputs"),
    ("keras.objectives", "mse"): ("keras.losses", "mean_squared_error"),
    ("keras.objectives", "MSE"): ("keras.losses", "mean_squared_error"),
    ("keras.objectives", "mae"): ("keras.losses", "mean_absolute_error"),
    ("keras.objectives", "MAE"): ("keras.losses", "mean_absolute_error"),
    ("keras.objectives", "mape"): ("keras.losses", "mean_absolute_percentage_error"),
    ("keras.objectives", "MAPE"): ("keras.losses", "mean_absolute_percentage_error"),
    ("keras.objectives", "msle"): ("keras.losses", "mean_squared_logarithmic_error"),
    ("keras.objectives", "MSLE"): ("keras.losses", "mean_squared_logarithmic_error"),
    ("keras.objectives", "kld"): ("keras.losses", "kl_divergence"),
    ("keras.objectives", "KLD"): ("keras.losses", "kl_divergence"),
    ("keras.objectives", "kullback_leibler_divergence"): ("keras.losses", "kl_divergence"),
}

#: Names of the removed modules without an exact same-name Keras 3 counterpart → what to write instead.
NO_EQUIVALENT = {
    "merge": "rewritten by the merge rules (KM101-KM103) at its calls",
    "Merge": "rewritten by the Merge rules (KM2xx) at its calls",
    "MaxoutDense": "no Keras 3 layer: Dense(units * nb_feature), Reshape((units, nb_feature)), then the max "
    "over the last axis",
    "Highway": "no Keras 3 layer: write a custom Layer (y = act(xW + b) * T + x * (1 - T), "
    "T = sigmoid(x W_carry + b_carry))",
    "TimeDistributedDense": "use TimeDistributed(Dense(units))",
    "time_distributed_dense": "use keras.ops.matmul(x, w) + b",
    "LocallyConnected1D": "removed in Keras 3: write a custom layer",
    "LocallyConnected2D": "removed in Keras 3: write a custom layer",
    "ParametricSoftplus": "removed since Keras 2: write a custom layer",
    "SReLU": "removed since Keras 2: write a custom layer",
    "ConvRecurrent2D": "abstract base: subclass keras.layers.RNN with a ConvLSTM cell",
    "Recurrent": "custom recurrent layers become cells for keras.layers.RNN(cell)",
    "AtrousConvolution1D": "use Conv1D(filters, kernel_size, dilation_rate=atrous_rate)",
    "AtrousConv1D": "use Conv1D(filters, kernel_size, dilation_rate=atrous_rate)",
    "AtrousConvolution2D": "use Conv2D(filters, (nb_row, nb_col), dilation_rate=atrous_rate)",
    "AtrousConv2D": "use Conv2D(filters, (nb_row, nb_col), dilation_rate=atrous_rate)",
    "Deconvolution2D": "use Conv2DTranspose(filters, (nb_row, nb_col)) without output_shape",
    "Deconv2D": "use Conv2DTranspose(filters, (nb_row, nb_col)) without output_shape",
    "ThresholdedReLU": "use ReLU(threshold=theta) (differs at x == theta: Keras 1 kept x > theta)",
    "Container": "use keras.Model(inputs, outputs)",
    "Graph": "Keras 0.x container: build a functional keras.Model(inputs, outputs)",
    "Siamese": "Keras 0.x: call one shared layer on each input in a functional keras.Model",
    "Node": "internal to Keras: remove the import",
    "to_list": "internal to Keras: remove the import",
    "object_list_uid": "internal to Keras: remove the import",
    "GeneratorEnqueuer": "use keras.utils.PyDataset or tf.data",
    "probas_to_classes": "use np.argmax(p, axis=-1) (or (p > 0.5).astype('int32') for one column)",
    "categorical_probas_to_classes": "use np.argmax(p, axis=-1)",
    "convert_kernel": "flip the kernel with np.flip over its spatial axes",
    "conv_output_length": "internal: compute the length by hand",
    "conv_input_length": "internal: compute the length by hand",
    "binary_logloss": "use keras.losses or sklearn.metrics",
    "multiclass_logloss": "use keras.losses or sklearn.metrics",
    "accuracy": "use keras.metrics or sklearn.metrics",
    "plot": "use keras.utils.plot_model(model, ..., show_layer_names=True) (Keras 3 defaults to False)",
    "HDF5Matrix": "use h5py with keras.utils.PyDataset",
    "save_array": "use np.save",
    "load_array": "use np.load",
    "ask_to_proceed_with_overwrite": "internal: remove the import",
    "print_summary": "use model.summary()",
    "count_total_params": "use model.count_params()",
    "convert_all_kernels_in_model": "Keras 3 has no Theano kernels: remove the call (flip kernels when you "
    "load Theano weights)",
    "layer_from_config": "keras.layers.deserialize (Keras 3 configs are not Keras 1 configs)",
    "get_from_module": "use keras.utils.get_registered_object",
    "func_dump": "use keras.utils.serialize_keras_object",
    "func_load": "use keras.utils.deserialize_keras_object",
    "make_tuple": "internal: use tuple(...)",
    "validate_file": "internal: remove the import",
    "cosine_proximity": "keras.losses.cosine_similarity sums where Keras 1 averaged: divide by the last "
    "axis size",
    "cosine": "keras.losses.cosine_similarity sums where Keras 1 averaged: divide by the last axis size",
}

#: ``get_file`` downloads whose file name matches are the Keras 1 applications' pretrained weights
#: (``resnet50_weights_th_dim_ordering_th_kernels.h5``, ``..._tf_kernels_tf_dim_ordering.h5``): Keras 1 layer
#: names and kernel layouts (Theano kernels flipped), which Keras 3's ``load_weights`` does not convert.
KERAS1_WEIGHT_FILE = r"_(?:th|tf)_(?:dim_ordering|kernels)"
KERAS1_WEIGHT_FILE_ADVICE = ("Keras 3's load_weights does not convert Keras 1 weight files (Keras 1 layer names; "
                             "Theano kernels are flipped): use keras.applications.<Model>(weights='imagenet'), "
                             "which downloads Keras 3 weights, or load the file with h5py and set_weights() "
                             "the converted arrays")
GET_FILE = ("keras.utils.get_file", "keras.utils.data_utils.get_file")
