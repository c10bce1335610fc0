"""Imports run one way and never in a circle; the checker is shown to catch each mistake."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from textwrap import dedent

from tests.import_graph import Import, cycles, load, uncommented, wrong_way

ROOT = Path(__file__).resolve().parents[1]


@cache
def project_imports() -> list[Import]:
    """The real tree's imports, read once for the tests below."""
    return load(ROOT)


def test_no_import_cycles():
    """No group of the project's modules imports itself round in a circle."""
    found = cycles(project_imports())
    assert not found, "\n" + "\n".join(found)


def test_no_wrong_way_imports():
    """Every import follows the layers, the sandbox, entry-point and wiring rules."""
    found = wrong_way(project_imports())
    assert not found, "\n" + "\n".join(found)


def test_function_imports_say_why():
    """Every import inside a function carries a comment saying why it is there."""
    found = uncommented(project_imports())
    assert not found, "imports inside functions without a comment:\n" + "\n".join(found)


def test_project_modules_are_found():
    """The checker reads the real tree, so an empty result means something."""
    sources = {imp.source for imp in project_imports()}
    assert {"kernel.keys", "orchestrator.app", "overlays.hub", "schedules.model"} <= sources


# The checker itself, on small trees written for each test.


def tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (path: source) under ``root``, with an __init__.py in every folder."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text), encoding="utf-8")
    for folder in [p for p in root.rglob("*") if p.is_dir()]:
        (folder / "__init__.py").touch()
    return root


def test_finds_a_two_module_cycle(tmp_path):
    """Two modules importing each other are one cycle naming both."""
    tree(tmp_path, {"kernel/a.py": "import kernel.b\n", "kernel/b.py": "from kernel import a\n"})
    [found] = cycles(load(tmp_path))
    assert found.startswith("cycle of 2 modules: kernel.a, kernel.b")
    assert "kernel/a.py:1: `import kernel.b`" in found
    assert "kernel/b.py:1: `from kernel import a`" in found


def test_finds_a_cycle_hidden_in_a_function(tmp_path):
    """An import inside a function still closes a cycle."""
    hidden = """
        def later():
            from schedules import a  # start-up cost
    """
    tree(tmp_path, {"schedules/a.py": "import schedules.b\n", "schedules/b.py": hidden})
    [found] = cycles(load(tmp_path))
    assert "schedules/b.py:3: `from schedules import a`" in found


def test_finds_a_relative_import_cycle(tmp_path):
    """Relative imports resolve against the package, so their cycles are found."""
    files = {
        "overlays/hub/a.py": "from . import b\n",
        "overlays/hub/b.py": "from ..hub.c import thing\n",
        "overlays/hub/c.py": "from .a import other\n",
    }
    [found] = cycles(load(tree(tmp_path, files)))
    assert "modules: overlays.hub.a, overlays.hub.b, overlays.hub.c" in found


def test_resolves_to_the_longest_known_module(tmp_path):
    """A name imported from a package is its submodule when one exists, else the package."""
    source = "from orchestrator.orders import pages, OrderBook\nfrom kernel.keys import STORE\n"
    tree(
        tmp_path, {"orchestrator/orders/pages.py": "", "kernel/keys.py": "", "kernel/x.py": source}
    )
    targets = [imp.target for imp in load(tmp_path) if imp.source == "kernel.x"]
    assert targets == ["orchestrator.orders.pages", "orchestrator.orders", "kernel.keys"]


def test_finds_a_wrong_way_import(tmp_path):
    """A lower layer importing a higher one is reported with its file, line and import."""
    tree(tmp_path, {"overlays/hub.py": "", "schedules/model.py": "\nfrom overlays import hub\n"})
    [found] = wrong_way(load(tmp_path))
    assert found.startswith("schedules/model.py:2: `from overlays import hub` -> overlays.hub")
    assert "schedules (layer 1) must not import overlays (layer 2)" in found


def test_ignores_type_checking_imports(tmp_path):
    """Imports under TYPE_CHECKING never run, so they neither cycle nor break layers."""
    typed = """
        import typing
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from orchestrator import app
        if typing.TYPE_CHECKING:
            import kernel.b
        else:
            import kernel.c
    """
    files = {"orchestrator/app.py": "", "kernel/a.py": typed, "kernel/b.py": "import kernel.a\n"}
    imports = load(tree(tmp_path, {**files, "kernel/c.py": ""}))
    assert cycles(imports) == []
    assert wrong_way(imports) == []
    assert [imp.target for imp in imports if imp.source == "kernel.a"] == [None, None, "kernel.c"]


def test_finds_a_feature_module_importing_the_app(tmp_path):
    """Only serve and cli may import orchestrator.app; a feature module may not."""
    files = {
        "orchestrator/app.py": "",
        "orchestrator/serve.py": "from orchestrator.app import create_app\n",
        "orchestrator/cli.py": "from orchestrator import app, serve\n",
        "orchestrator/orders/pages.py": "from orchestrator.app import STORE\n",
    }
    [found] = wrong_way(load(tree(tmp_path, files)))
    assert found.startswith("orchestrator/orders/pages.py:1: `from orchestrator.app import STORE`")
    assert "only orchestrator.cli or orchestrator.serve may import orchestrator.app" in found


def test_finds_sandbox_and_wiring_imports(tmp_path):
    """The sandbox stays inside itself, and only the app imports a package's wiring."""
    server = """
        import kernel.db
        import orchestrator.sandbox
        from . import state
        from orchestrator import settings
    """
    files = {
        "orchestrator/app.py": "from orchestrator.orders import wiring\nimport overlays.wiring\n",
        "orchestrator/orders/wiring.py": "",
        "overlays/wiring.py": "",
        "orchestrator/settings.py": "from orchestrator.orders.wiring import setup\n",
        "orchestrator/sandbox/server.py": server,
        "orchestrator/sandbox/state.py": "",
        "kernel/db.py": "",
    }
    found = wrong_way(load(tree(tmp_path, files)))
    assert [message.split(": `")[0] for message in found] == [
        "orchestrator/sandbox/server.py:5",
        "orchestrator/settings.py:1",
    ]
    assert "the sandbox imports nothing from orchestrator outside itself" in found[0]
    assert "wiring is imported only by orchestrator.app" in found[1]


def test_finds_uncommented_function_imports(tmp_path):
    """A function-level import needs a comment on its line or the line above; others do not."""
    source = """
        import json

        def a():
            import yaml
        def b():
            # optional dependency
            import yaml
        def c():
            from kernel import (  # start-up cost
                db,
            )
        def d():
            x = 1  # not about the import
            import yaml
    """
    tree(tmp_path, {"kernel/db.py": "", "kernel/x.py": source})
    assert uncommented(load(tmp_path)) == [
        "kernel/x.py:5: `import yaml`",
        "kernel/x.py:15: `import yaml`",
    ]
