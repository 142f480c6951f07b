"""KM001: a file that cannot be analysed (reported by the engine before any rule runs)."""

from kmigrate.engine.rule import Rule


class Unanalysable(Rule):
    code = "KM001"
    name = "unanalysable-file"
    summary = "The file cannot be analysed: syntax error, Python 2 syntax, undecodable bytes, too deep"
    doc = """
## What it does
Reports a file that kmigrate cannot analyse, in CPython's words where they are clearer: a syntax
error; Python 2 syntax (which construct, on which line); bytes that do not decode in the file's
encoding; a binary file; a file nested too deeply or too complex to parse. Reported for every file
named on the command line and for every discovered file whose bytes mention `keras`.

## Why is this bad?
A file kmigrate cannot read is a file whose Keras 1 code it cannot find or fix: a silent
"all clean" would be a lie.

## Example
```python
print "training", model.summary()
```

## Use instead
```python
print("training", model.summary())
```
`kmigrate --py2` converts Python 2 syntax first (the `py2` extra).

## Fix safety
Report only. Such a file is never written.
"""
