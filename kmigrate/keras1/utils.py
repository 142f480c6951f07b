"""Keras 1.2.2 utility functions and their Keras 3 spelling (spec §4.6), read from both sources and
checked against keras 3.15.1 (signatures, defaults).

``FUNCTIONS``: Keras 1 qualified name → a row:
``target``: the Keras 3 (module, name); ``params``: Keras 1 parameters in positional order;
``same``: how many leading positionals mean the same in Keras 3 (the rest are written by keyword);
``renames``: argument renames; ``values``: value maps ``{argument: {value: (Keras 3 argument, code) or
None to drop}}`` (a value outside the map is reported); ``defaults``: Keras 1 defaults that Keras 3
changed, written when left out; ``wrap``: ``{argument: (module, function, why)}``, an argument passed through
a function so that Keras 3 computes what Keras 1 did; ``inexact``: when the rewrite differs from Keras 1 (the
fix is unsafe).
"""

_DIM_ORDERING = {"th": ("data_format", "'channels_first'"), "tf": ("data_format", "'channels_last'"),
                 "default": None}

FUNCTIONS = {
    "keras.utils.np_utils.to_categorical": {
        "target": ("keras.utils", "to_categorical"), "params": ("y", "nb_classes"), "same": 2,
        "renames": {"nb_classes": "num_classes"}, "values": {}, "defaults": (),
        # measured: raveled labels give Keras 1's matrix for every rank
        "wrap": {"y": ("numpy", "ravel", "Keras 1 flattened labels of any rank to (n * t, classes) rows; Keras 3 "
                       "keeps their shape (n, t, classes)")}, "inexact": None,
    },
    "keras.utils.visualize_util.plot": {
        "target": ("keras.utils", "plot_model"), "params": ("model", "to_file", "show_shapes", "show_layer_names"),
        "same": 3, "renames": {}, "values": {}, "defaults": (("show_layer_names", "show_layer_names", "True"),),
        "wrap": {}, "inexact": None,
    },
    "keras.utils.visualize_util.model_to_dot": {
        "target": ("keras.utils", "model_to_dot"), "params": ("model", "show_shapes", "show_layer_names"),
        "same": 2, "renames": {}, "values": {}, "defaults": (), "wrap": {}, "inexact": None,
    },
    "keras.preprocessing.image.load_img": {
        "target": ("keras.utils", "load_img"), "params": ("path", "grayscale", "target_size"), "same": 1,
        "renames": {}, "values": {"grayscale": {True: ("color_mode", "'grayscale'"), False: None}},
        "defaults": (), "wrap": {}, "inexact": None,
    },
    "keras.preprocessing.image.img_to_array": {
        "target": ("keras.utils", "img_to_array"), "params": ("img", "dim_ordering"), "same": 1,
        "renames": {}, "values": {"dim_ordering": _DIM_ORDERING}, "defaults": (), "wrap": {}, "inexact": None,
    },
    "keras.preprocessing.image.array_to_img": {
        "target": ("keras.utils", "array_to_img"), "params": ("x", "dim_ordering", "scale"), "same": 1,
        "renames": {}, "values": {"dim_ordering": _DIM_ORDERING}, "defaults": (), "wrap": {}, "inexact": None,
    },
    # Keras 3 put file_hash fifth: a fifth positional (Keras 1's cache_subdir) is written by keyword.
    "keras.utils.data_utils.get_file": {
        "target": ("keras.utils", "get_file"), "params": ("fname", "origin", "untar", "md5_hash", "cache_subdir"),
        "same": 4, "renames": {}, "values": {}, "defaults": (), "wrap": {}, "inexact": None,
    },
    # Keras 3's imdb.load_data swallows unknown keywords: nb_words= would be ignored silently (every word kept,
    # indices past an Embedding's input_dim); reuters.load_data raises on it.  Same positional order.
    **{f"keras.datasets.{name}.load_data": {
        "target": (f"keras.datasets.{name}", "load_data"), "params": params, "same": len(params),
        "renames": {"nb_words": "num_words"}, "values": {}, "defaults": (), "wrap": {}, "inexact": None,
    } for name, params in (
        ("imdb", ("path", "nb_words", "skip_top", "maxlen", "seed", "start_char", "oov_char", "index_from")),
        ("reuters", ("path", "nb_words", "skip_top", "maxlen", "test_split", "seed", "start_char", "oov_char",
                     "index_from")))},
    "keras.activations.relu": {
        "target": ("keras.activations", "relu"), "params": ("x", "alpha", "max_value"), "same": 3,
        "renames": {"alpha": "negative_slope"}, "values": {}, "defaults": (), "wrap": {}, "inexact": None,
    },
}

#: Keras 1 names Keras 3 still has under the same path, arguments and defaults (left alone).
UNCHANGED = {
    "keras.preprocessing.sequence.pad_sequences": "keras.preprocessing.sequence.pad_sequences (also "
    "keras.utils.pad_sequences): the same signature and defaults",
}

#: Keras 1 names without a Keras 3 drop-in (spec §4.6 X and S) → what to write.
REMOVED = {
    "keras.preprocessing.image.ImageDataGenerator": "not in Keras 3: load with keras.utils."
    "image_dataset_from_directory (or a keras.utils.PyDataset) and augment with the RandomRotation, "
    "RandomTranslation, RandomZoom, RandomFlip and Rescaling layers",
    "keras.preprocessing.text.Tokenizer": "not in Keras 3: keras.layers.TextVectorization(max_tokens=nb_words) "
    "(index 0 is padding and 1 the out-of-vocabulary token; Keras 1 started words at 1)",
    "keras.preprocessing.text.text_to_word_sequence": "not in Keras 3: keras.layers.TextVectorization "
    "(standardize and split) or str.split",
    "keras.preprocessing.text.one_hot": "not in Keras 3: keras.layers.Hashing or TextVectorization",
    "keras.utils.io_utils.HDF5Matrix": "not in Keras 3: read the datasets with h5py and feed them through a "
    "keras.utils.PyDataset",
    "keras.wrappers.scikit_learn.KerasClassifier": "keras.wrappers.SKLearnClassifier(model=lambda X, y, "
    "**kwargs: build_fn(**kwargs), model_kwargs={...build_fn arguments...}, fit_kwargs={...fit arguments, "
    "epochs= for nb_epoch...}) (Keras 3 calls the model function with X= and y=); Keras 3's signature is "
    "(model, warm_start=False, model_kwargs=None, fit_kwargs=None)",
    "keras.wrappers.scikit_learn.KerasRegressor": "keras.wrappers.SKLearnRegressor(model=lambda X, y, "
    "**kwargs: build_fn(**kwargs), model_kwargs={...build_fn arguments...}, fit_kwargs={...fit arguments, "
    "epochs= for nb_epoch...}) (Keras 3 calls the model function with X= and y=); Keras 3's signature is "
    "(model, warm_start=False, model_kwargs=None, fit_kwargs=None)",
    "keras.utils.np_utils.probas_to_classes": "not in Keras 3: np.argmax(y_pred, axis=-1) when y_pred has more than "
    "one column, else (y_pred > 0.5).astype('int32') (Keras 1's probas_to_classes)",
    "keras.utils.layer_utils.print_summary": "not in Keras 3: model.summary() (or layer.summary() on a model)",
    "keras.callbacks.BaseLogger": "not in Keras 3: remove it (Keras 3 averages the epoch's metrics itself; "
    "on_epoch_end's logs already hold the averages)",
}
