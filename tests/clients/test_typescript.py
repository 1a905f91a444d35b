"""Other languages: a TypeScript client and types generated from the spec compile with tsc
and drive the sandbox."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from triboo_sandbox.server import SandboxServer

from tests.spec_tools import ROOT, SPEC_PATH

NODE_BIN = ROOT / "node_modules" / ".bin"
GENERATOR = str(Path(sys.executable).with_name("openapi-generator-cli"))
TSCONFIG = {
    "compilerOptions": {
        "target": "es2022",
        "module": "commonjs",
        "moduleResolution": "node",
        "strict": True,
        "outDir": "dist",
        "rootDir": ".",
        "skipLibCheck": True,
        "types": ["node"],
        "typeRoots": [str(ROOT / "node_modules" / "@types")],
        "lib": ["es2022", "dom"],
    },
    "files": ["smoke.ts"],
}


def run(*command: str, cwd: Path) -> str:
    result = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, check=False, timeout=300
    )
    assert result.returncode == 0, (
        f"{' '.join(command[:3])}...\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    )
    return result.stdout


def test_typescript_client_compiles_and_calls_the_sandbox(
    tmp_path: Path, server: SandboxServer
) -> None:
    run(
        GENERATOR,
        "generate",
        "-i",
        str(SPEC_PATH),
        "-g",
        "typescript-fetch",
        "-o",
        str(tmp_path / "generated"),
        "--additional-properties=supportsES6=true",
        cwd=tmp_path,
    )
    run(
        str(NODE_BIN / "openapi-typescript"),
        str(SPEC_PATH),
        "-o",
        str(tmp_path / "types.ts"),
        cwd=tmp_path,
    )
    shutil.copy(Path(__file__).with_name("smoke.ts"), tmp_path / "smoke.ts")
    (tmp_path / "tsconfig.json").write_text(json.dumps(TSCONFIG), encoding="utf-8")
    run(str(NODE_BIN / "tsc"), "-p", str(tmp_path), cwd=tmp_path)
    answer = json.loads(run("node", str(tmp_path / "dist" / "smoke.js"), server.url, cwd=tmp_path))
    assert answer["created"] == "ts.client"
    assert (
        answer["users"]
        == sum(1 for u in server.sandbox.store.users.values() if u.org == "acme") - 1
    )
    assert any(u.username == "ts.client" for u in server.sandbox.store.users.values())
