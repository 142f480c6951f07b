"""KM507: a loss function that reads the model's own tensors (Keras 1's VAE) is reported, with what to do."""

import harness
from fixture_tests import catalogue

# The rewrite fixtures only (the VAE's after file cannot train until KM507 is followed: see the test below).
test_fixture, _ = catalogue("km507")

FIXTURES = harness.FIXTURES / "km507"


def findings(source: bytes):
    return [f for f in harness.check_findings(source) if f.code == "KM507"]


def test_vae_loss_names_the_tensors_it_reads_and_the_instruction():
    (finding,) = findings((FIXTURES / "vae.before.py").read_bytes())
    assert finding.fix is None
    # z_mean from Dense(2)(h), z_log_var from a layer bound first and applied later
    assert "loss `vae_loss` reads the model's tensors `z_log_var`, `z_mean`" in finding.message
    assert "self.add_loss" in finding.message


def test_losses_reading_their_arguments_constants_or_locals_are_not_reported():
    assert findings((FIXTURES / "plain_losses.clean.py").read_bytes()) == []


def test_the_instruction_followed_builds_and_trains_under_keras3(keras3):
    answer = keras3.build(FIXTURES / "vae_keras3.clean.py", fit=True)
    assert answer["ok"], answer.get("error")
    assert answer["models"][0]["outputs"] == [[[None, 784], "float32"]]


def test_a_loss_given_per_output_or_by_keyword_is_found():
    source = (FIXTURES / "vae.before.py").read_bytes().replace(b"loss=vae_loss", b"loss=['mse', vae_loss]")
    assert len(findings(source)) == 1
    positional = source.replace(b"optimizer='rmsprop', loss=['mse', vae_loss]", b"'rmsprop', vae_loss")
    assert len(findings(positional)) == 1
