"""The built-in command families, one module each.

Every module here is imported by :func:`mgovern.cli.build_cli` and adds its commands to
:data:`mgovern.cli.cli`; a new family is one new file in this folder.
"""
