"""The reference fixtures hold on any x86-64 CPU: the tests pass whatever vector ISA XLA
compiles for. Their tolerances follow from float32 rounding through the operations each
covers (tests/test_reference.py), and the summation order XLA picks differs by ISA; here
the CPU is capped at AVX2 and at AVX (XLA_FLAGS=--xla_cpu_max_isa), as on machines
without AVX-512 or without FMA. The default ISA is the plain run of the suite."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).parent


@pytest.mark.slow
@pytest.mark.parametrize("isa", ["AVX2", "AVX"])
def test_the_reference_tests_pass_with_the_isa_capped(isa):
    env = {**os.environ, "XLA_FLAGS": f"--xla_cpu_max_isa={isa}"}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             str(TESTS / "test_reference.py")], capture_output=True,
                            text=True, env=env, cwd=TESTS.parent)
    assert result.returncode == 0, result.stdout[-3000:]
    assert " passed" in result.stdout.splitlines()[-1] and "skipped" not in \
        result.stdout.splitlines()[-1], result.stdout[-500:]
