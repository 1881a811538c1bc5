"""The committed REST document (rest-docs/swagger.json) is what the app build generates, and it validates."""
import subprocess

from conftest import ROOT


def test_committed_swagger_matches_the_build_and_validates():
    result = subprocess.run([str(ROOT / "tools" / "check-rest-docs")], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "matches the build and validates" in result.stdout
