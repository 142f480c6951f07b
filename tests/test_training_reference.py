"""The training-side tables (KM404/KM405 extensions, KM407-KM410, KM504, KM505) are in the generated reference."""

from kmigrate import docs
from kmigrate.keras1 import callbacks, losses, training, utils


def test_every_training_table_row_is_in_the_reference():
    text = docs.render_reference()
    names = [*training.IGNORED_ARGUMENTS, *training.GENERATOR_METHODS, *training.GENERATOR_ARGUMENTS,
             *training.RENAMED_METHODS, *callbacks.PATIENCE, *utils.FUNCTIONS, *utils.REMOVED]
    names += [repr(s) for s in [*training.OPTIMIZER_STRINGS, *losses.LOSS_STRINGS, *losses.COSINE_LOSSES,
                                *losses.METRIC_STRINGS]]
    for name in names:
        assert f"`{name}`" in text, name
