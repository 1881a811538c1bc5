"""The parsers every native tool shares (VLAN lists in the i40e syntax, prefixes, numbers, names)."""
import subprocess

import pytest

from conftest import NATIVE_BUILD


def libtest(*args):
    result = subprocess.run([str(NATIVE_BUILD / "mt-libtest"), *args], capture_output=True, text=True)
    return result.returncode, result.stdout.strip(), result.stderr.strip()


@pytest.mark.parametrize("text, normalised", [
    ("2,4,18-22", "2,4,18-22"),
    ("22,18-21,4,2", "2,4,18-22"),
    ("100", "100"),
    ("1-4094", "1-4094"),
    ("5,5,5-6", "5-6"),
])
def test_vlan_lists_normalise(text, normalised):
    assert libtest("vlan", text, "1", "4094") == (0, normalised, "")


@pytest.mark.parametrize("text, reason", [
    ("", "empty"),
    ("0", "1..4094"),
    ("4095", "1..4094"),
    ("22-18", "descending"),
    ("2,,4", "expected a number"),
    ("2;4", "unexpected"),
    ("-3", "expected a number"),
    ("100000", "expected a number"),
    ("1 2", "unexpected"),
])
def test_bad_vlan_lists_are_refused_with_a_reason(text, reason):
    code, out, err = libtest("vlan", text, "1", "4094")
    assert code == 2 and out == ""
    assert reason in err and len(err.splitlines()) == 1


def test_vlan_range_of_the_sysfs_clear_command_is_allowed_where_asked():
    assert libtest("vlan", "0-4095", "0", "4095")[:2] == (0, "0-4095")


@pytest.mark.parametrize("text, normalised", [
    ("10.1.0.0/16", "10.1.0.0/16"),
    ("192.0.2.7", "192.0.2.7/32"),
    ("0.0.0.0/0", "0.0.0.0/0"),
    ("2001:db8::/32", "2001:db8::/32"),
    ("2001:db8::1", "2001:db8::1/128"),
])
def test_prefixes_normalise(text, normalised):
    assert libtest("prefix", text) == (0, normalised, "")


@pytest.mark.parametrize("text", ["10.1.0.1/16", "10.0.0.0/33", "2001:db8::1/32", "10.0.0/8", "host", "/8",
                                  "10.0.0.0/", "10.0.0.0/8x"])
def test_bad_prefixes_are_refused(text):
    code, out, err = libtest("prefix", text)
    assert code == 2 and out == "" and err.startswith("mt-libtest: ")


@pytest.mark.parametrize("text, ok", [("0", True), ("65535", True), ("65536", False), ("-1", False),
                                      ("1e3", False), ("", False), ("99999999999999999999", False)])
def test_numbers_are_strict(text, ok):
    code, out, _ = libtest("u32", text, "0", "65535")
    assert (code == 0) == ok
    if ok:
        assert out == str(int(text))


@pytest.mark.parametrize("name, valid", [("eth0", True), ("a" * 15, True), ("a" * 16, False), ("", False),
                                         ("a/b", False), ("a b", False), ("a:1", False), ("..", False),
                                         ("-eth0", False), ("--", False), ("e-th0", True)])
def test_interface_names(name, valid):
    assert libtest("ifname", name)[1] == ("valid" if valid else "invalid")
