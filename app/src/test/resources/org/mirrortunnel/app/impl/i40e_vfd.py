#!/usr/bin/env python3
"""Makes plain vlan_mirror files behave as the out-of-tree i40e driver's VFd attributes.

The driver takes "add 2,4,18-22" or "rem 15-17" (0..4095; "rem 0-4095" clears) and shows the VF's resulting
list, as the kernel's bitmap_print_to_pagebuf prints it: "2,4,18-22\\n", or "\\n" when empty. A plain file keeps
the command instead. This program holds every open of the given files (fanotify permission events, so the
agent's own reads and writes are held too), turns a command left in a file into the resulting list, then lets
the open go on; a write therefore truncates only after the previous command took effect.

Usage: i40e_vfd.py VLAN_MIRROR_FILE...   prints "ready" once it holds the files; exits 77 without the rights.
A command the driver would refuse (EINVAL) leaves the list as it was and is reported on stderr.
"""
import ctypes
import errno
import os
import struct
import sys

FAN_CLOEXEC = 0x01
FAN_CLASS_CONTENT = 0x04
FAN_OPEN_PERM = 0x00010000
FAN_MARK_ADD = 0x01
FAN_ALLOW = 0x01
AT_FDCWD = -100
EVENT = struct.Struct("IBBHQii")  # struct fanotify_event_metadata
MAX_VLAN = 4095


def parse_list(text):
    vlans = set()
    for part in filter(None, text.strip().split(",")):
        first, _, last = part.partition("-")
        lo, hi = int(first), int(last or first)
        if not 0 <= lo <= hi <= MAX_VLAN:
            raise ValueError(f"bad range {part!r}")
        vlans.update(range(lo, hi + 1))
    return vlans


def format_list(vlans):
    ranges, ordered = [], sorted(vlans)
    for v in ordered:
        if ranges and ranges[-1][1] == v - 1:
            ranges[-1][1] = v
        else:
            ranges.append([v, v])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in ranges) + "\n"


def apply(vlans, command):
    verb, _, arg = command.strip().partition(" ")
    change = parse_list(arg)
    if verb == "add":
        return vlans | change
    if verb == "rem":
        return vlans - change
    raise ValueError(f"unknown command {command.strip()!r}")


def main(paths):
    libc = ctypes.CDLL(None, use_errno=True)
    libc.fanotify_mark.argtypes = [ctypes.c_int, ctypes.c_uint, ctypes.c_uint64, ctypes.c_int, ctypes.c_char_p]
    fan = libc.fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC, os.O_RDWR | os.O_LARGEFILE)
    if fan < 0:
        err = ctypes.get_errno()
        print(f"fanotify_init: {os.strerror(err)}", file=sys.stderr)
        return 77 if err == errno.EPERM else 1
    lists = {}
    for path in paths:
        path = os.path.realpath(path)
        with open(path) as f:
            lists[path] = parse_list(f.read())
        if libc.fanotify_mark(fan, FAN_MARK_ADD, FAN_OPEN_PERM, AT_FDCWD, path.encode()) < 0:
            print(f"fanotify_mark {path}: {os.strerror(ctypes.get_errno())}", file=sys.stderr)
            return 1
    print("ready", flush=True)
    while True:
        buf = os.read(fan, 4096)
        for offset in range(0, len(buf), EVENT.size):
            _, _, _, _, _, fd, _ = EVENT.unpack_from(buf, offset)
            try:
                settle(fd, lists)
            finally:
                os.write(fan, struct.pack("iI", fd, FAN_ALLOW))
                os.close(fd)


def settle(fd, lists):
    """Turns a command the file holds into the resulting list; a list written as such becomes the VF's."""
    path = os.readlink(f"/proc/self/fd/{fd}")
    text = os.pread(fd, 4096, 0).decode()
    try:
        if text.lstrip().startswith(("add", "rem")):
            lists[path] = apply(lists[path], text)
        else:
            lists[path] = parse_list(text)
    except ValueError as e:
        print(f"{path}: EINVAL: {e}", file=sys.stderr, flush=True)
    shown = format_list(lists[path]).encode()
    if text.encode() != shown:
        os.ftruncate(fd, 0)
        os.pwrite(fd, shown, 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
