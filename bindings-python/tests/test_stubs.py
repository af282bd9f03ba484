"""The committed stubs (python/dialtime/_native.pyi) agree with the compiled module: the same
public names, the same members per class, the same parameters (names, kinds, defaults)."""

from __future__ import annotations

import ast
import inspect
import pathlib

import pytest

import dialtime
from dialtime import _native

STUB = pathlib.Path(dialtime.__file__).with_name("_native.pyi")
TREE = ast.parse(STUB.read_text(encoding="utf-8"))
KEPT_DUNDERS = {"__enter__", "__exit__", "__aenter__", "__aexit__"}


def stub_items(body):
    items = {}
    for node in body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            items[node.name] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            items[node.target.id] = node
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    items[target.id] = node
    return {name: node for name, node in items.items() if not name.startswith("_") or name in ("__version__",)}


STUB_TOP = stub_items(TREE.body)
# Private stub-only types (TypedDicts describing keyword arguments) have no runtime class.
STUB_CLASSES = {
    node.name: node
    for node in TREE.body
    if isinstance(node, ast.ClassDef) and (not node.name.startswith("_") or hasattr(_native, node.name))
}
CLASSES = sorted(STUB_CLASSES)
FUNCTIONS = sorted(n for n, node in STUB_TOP.items() if isinstance(node, ast.FunctionDef))


def test_the_stub_lists_every_public_name_and_no_other():
    runtime = {n for n in dir(_native) if not n.startswith("_")} | {"__version__"}
    assert set(STUB_TOP) == runtime


def stub_members(cls_node):
    members = {}
    for node in cls_node.body:
        if isinstance(node, ast.FunctionDef):
            members[node.name] = node
    return members


def runtime_members(cls):
    return {n for n in vars(cls) if not n.startswith("_") or n in KEPT_DUNDERS}


@pytest.mark.parametrize("name", CLASSES)
def test_class_members_and_bases_match(name):
    cls = getattr(_native, name)
    node = STUB_CLASSES[name]
    stub_bases = [b.id for b in node.bases if isinstance(b, ast.Name)]
    runtime_bases = [b.__name__ for b in cls.__bases__ if b is not object]
    assert stub_bases == runtime_bases
    stub = {n for n in stub_members(node) if not n.startswith("_") or n in KEPT_DUNDERS}
    assert stub == runtime_members(cls)
    for member, node in stub_members(node).items():
        is_property = any(isinstance(d, ast.Name) and d.id == "property" for d in node.decorator_list)
        if member in vars(cls):
            assert is_property == inspect.isdatadescriptor(vars(cls)[member]), f"{name}.{member}"


def stub_parameters(fn: ast.FunctionDef, skip_first: bool):
    a = fn.args
    out = []
    positional = [(p, inspect.Parameter.POSITIONAL_ONLY) for p in a.posonlyargs]
    positional += [(p, inspect.Parameter.POSITIONAL_OR_KEYWORD) for p in a.args]
    defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    for (p, kind), default in zip(positional, defaults):
        out.append((p.arg, kind, default))
    if a.vararg:
        out.append((a.vararg.arg, inspect.Parameter.VAR_POSITIONAL, None))
    for p, default in zip(a.kwonlyargs, a.kw_defaults):
        out.append((p.arg, inspect.Parameter.KEYWORD_ONLY, default))
    if a.kwarg:
        out.append((a.kwarg.arg, inspect.Parameter.VAR_KEYWORD, None))
    out = out[1:] if skip_first else out
    return [
        (name, kind, inspect.Parameter.empty if d is None else ast.literal_eval(d))
        for name, kind, d in out
    ]


def runtime_parameters(obj):
    sig = inspect.signature(obj)
    params = list(sig.parameters.values())
    return [(p.name, p.kind, p.default) for p in params]


def cases():
    for name in FUNCTIONS:
        yield name, getattr(_native, name), STUB_TOP[name], False
    for name in CLASSES:
        cls = getattr(_native, name)
        for member, node in stub_members(STUB_CLASSES[name]).items():
            decorators = {d.id for d in node.decorator_list if isinstance(d, ast.Name)}
            if "property" in decorators or member in ("__eq__", "__hash__"):
                continue
            if member == "__new__":
                yield f"{name}()", cls, node, True
            elif "classmethod" in decorators:
                yield f"{name}.{member}", getattr(cls, member), node, True
            else:
                yield f"{name}.{member}", getattr(cls, member), node, True


CASES = list(cases())


@pytest.mark.parametrize("label, obj, node, skip_first", CASES, ids=[c[0] for c in CASES])
def test_signatures_match(label, obj, node, skip_first):
    expected = stub_parameters(node, skip_first)
    actual = runtime_parameters(obj)
    if actual and actual[0][0] in ("self", "$self", "cls", "$cls") and not (
        expected and expected[0][0] == actual[0][0]
    ):
        actual = actual[1:]
    assert actual == expected, label


@pytest.mark.parametrize("name", CLASSES)
def test_a_class_is_final_in_the_stub_exactly_when_it_cannot_be_subclassed(name):
    """mypy accepted `class R(dialtime.TimeRange): ...`, which raises TypeError at import."""
    node = STUB_CLASSES[name]
    declared_final = any(isinstance(d, ast.Name) and d.id == "final" for d in node.decorator_list)
    try:
        type("Sub", (getattr(_native, name),), {})
        subclassable = True
    except TypeError:
        subclassable = False
    assert declared_final == (not subclassable)

