"""A Keras 1 program of the kind kmigrate migrates: a Siamese network scored by cosine similarity
(``merge(..., mode='cos')``) and a two-branch classifier (``merge(..., mode='concat')``).

Try:  kmigrate examples/siamese_keras1.py --diff
"""
import numpy as np
from keras.layers import Input, Dense, Flatten, merge
from keras.models import Model, Sequential


def build_base_network(input_dim):
    """The shared encoder: both inputs go through the same weights."""
    seq = Sequential()
    seq.add(Dense(64, input_dim=input_dim, activation='relu'))
    seq.add(Dense(32, activation='relu'))
    return seq


def build_siamese(input_dim=16):
    base_network = build_base_network(input_dim)
    input_a = Input(shape=(input_dim,))
    input_b = Input(shape=(input_dim,))
    processed_a = base_network(input_a)
    processed_b = base_network(input_b)
    similarity = merge([processed_a, processed_b], mode='cos', dot_axes=1)
    return Model([input_a, input_b], Flatten()(similarity))


def build_two_branch(text_dim=20, meta_dim=5, classes=3):
    text = Input(shape=(text_dim,), name='text')
    meta = Input(shape=(meta_dim,), name='meta')
    t = Dense(16, activation='relu')(text)
    m = Dense(4, activation='relu')(meta)
    joined = merge([t, m], mode='concat', concat_axis=-1, name='joined')
    out = Dense(classes, activation='softmax')(joined)
    return Model([text, meta], out)


if __name__ == '__main__':
    model = build_siamese()
    model.compile(optimizer='sgd', loss='mse')
    pairs = [np.random.rand(32, 16), np.random.rand(32, 16)]
    model.fit(pairs, np.random.rand(32, 1), batch_size=8)
