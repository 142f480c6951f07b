"""The training-side tables (KM404/KM405 extensions, KM407-KM410, KM504, KM505) are in the generated reference."""

from kmigrate import docs
from kmigrate.keras1 import callbacks, losses, training, utils


def test_every_training_table_row_is_in_the_reference():
    text = docs.render_reference()
    names = [*training.IGNORED_ARGUMENTS, *training.GENERATOR_METHODS, *training.GENERATOR_ARGUMENTS,
             *training.RENAMED_METHODS, *callbacks.PATIENCE, *utils.FUNCTIONS, *utils.REMOVED,
             *training.REMOVED_NAMES, *training.SEQUENTIAL_POSITIONALS, *training.OPTIMIZER_ARGUMENTS_KEPT,
             *training.OPTIMIZER_ARGUMENTS_KERAS1, *training.CLIP_ARGUMENTS,
             *training.OPTIMIZER_ARGUMENTS_DROPPED, *callbacks.UNCHANGED, *utils.UNCHANGED]
    names += [repr(s) for s in [*training.OPTIMIZER_STRINGS, *losses.LOSS_STRINGS, *losses.COSINE_LOSSES,
                                *losses.METRIC_STRINGS, *losses.KERAS3_SAME_LOSSES, *losses.METRIC_LOGGED_AS,
                                *losses.METRIC_LOGGED_AS.values(), *losses.LABEL_CONVERTING_LOSSES]]
    for name in names:
        assert f"`{name}`" in text, name
