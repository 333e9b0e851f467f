"""The project's own packaging (pyproject.toml) gives a `geowire` command in a new environment."""
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

from core import __version__

REPO = Path(__file__).resolve().parent.parent


def test_a_fresh_environment_gets_the_geowire_command_from_pyproject(tmp_path):
    """A new virtual environment, the project installed into it by pip from pyproject.toml alone
    (no network: the build uses the environment's own setuptools), and the pinned dependencies
    borrowed from the test environment through a .pth file rather than installed again."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    borrowed = [sysconfig.get_paths()["purelib"], *site.getsitepackages()]
    (Path(purelib) / "borrowed-dependencies.pth").write_text("\n".join(borrowed) + "\n", encoding="utf-8")
    install = subprocess.run([python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                              "--no-index", "-e", str(REPO)], capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stderr
    command = venv / "bin" / "geowire"
    assert command.exists(), "pyproject.toml declares no geowire console script"
    version = subprocess.run([command, "--version"], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.strip() == f"geowire {__version__}", version.stderr
    usage = subprocess.run([command, "export", "--help"], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert usage.returncode == 0 and "--actor" in usage.stdout
