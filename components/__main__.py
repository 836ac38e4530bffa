"""Two entry points in one file.

``python -m aiscale ...`` runs the command line (``aiscale.cli``).

``python <this folder> <engine address>`` is how Pulumi's Python language host runs the folder
as the plugin of the component package (``PulumiPlugin.yaml``, ``pulumi package add``): the
folder is bound as the package ``aiscale`` (whether or not aiscale is installed in the plugin's
virtualenv) and ``aiscale.multilang.host.serve`` hosts the components.
"""

import sys


def _bind_folder_as_aiscale() -> None:
    """Import this folder as the package ``aiscale``, and keep its subfolders (``model``,
    ``catalog``, ...) from shadowing top-level modules of the same name."""
    import importlib.util
    from pathlib import Path

    folder = Path(__file__).resolve().parent
    sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != folder]
    spec = importlib.util.spec_from_file_location(
        "aiscale", folder / "__init__.py", submodule_search_locations=[str(folder)])
    package = importlib.util.module_from_spec(spec)
    sys.modules["aiscale"] = package
    spec.loader.exec_module(package)


if __package__:
    from aiscale.cli import main

    main()
else:
    _bind_folder_as_aiscale()
    from aiscale.multilang.host import serve

    serve()
