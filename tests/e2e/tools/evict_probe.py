#!/usr/bin/env python3
# Debugging aid for issue 10: a minimal external NRI plugin (hand-rolled
# multiplex + ttrpc + protobuf, no dependencies) that answers every
# CreateContainer with CreateContainerResponse.evict = [VICTIM], to see
# whether a runtime stops VICTIM. Measured 2026-12-01: containerd 2.3.4,
# CRI-O 1.37.0-dev and 1.36.3 all leave it running (NRI v0.11/v0.12's
# adaptation drops evict from plugin answers).
#   usage: evict_probe.py NRI_SOCKET VICTIM_CONTAINER_ID   (as root, next to a
#   runtime the e2e harness started; stop it with Ctrl-C)
import socket, struct, sys, time

sock_path, victim = sys.argv[1], sys.argv[2]

def varint(n):
    out = b""
    while True:
        b = n & 0x7F; n >>= 7
        if n: out += bytes([b | 0x80])
        else: return out + bytes([b])

def field_bytes(num, data): return varint(num << 3 | 2) + varint(len(data)) + data
def field_int(num, v): return varint(num << 3) + varint(v)

def parse(buf):
    i, out = 0, {}
    while i < len(buf):
        key = 0; shift = 0
        while True:
            b = buf[i]; i += 1; key |= (b & 0x7F) << shift; shift += 7
            if not b & 0x80: break
        num, wt = key >> 3, key & 7
        if wt == 0:
            v = 0; shift = 0
            while True:
                b = buf[i]; i += 1; v |= (b & 0x7F) << shift; shift += 7
                if not b & 0x80: break
        elif wt == 2:
            l = 0; shift = 0
            while True:
                b = buf[i]; i += 1; l |= (b & 0x7F) << shift; shift += 7
                if not b & 0x80: break
            v = buf[i:i + l]; i += l
        elif wt == 1: v = buf[i:i + 8]; i += 8
        elif wt == 5: v = buf[i:i + 4]; i += 4
        out.setdefault(num, []).append(v)
    return out

s = socket.socket(socket.AF_UNIX); s.connect(sock_path)

def send(conn, stream, mtype, body):
    msg = struct.pack(">IIBB", len(body), stream, mtype, 0) + body
    s.sendall(struct.pack(">II", conn, len(msg)) + msg)

def log(*a): print(time.strftime("%H:%M:%S"), *a, flush=True)

# RegisterPlugin on conn 2 (we are the ttrpc client there).
req = field_bytes(1, b"nri.pkg.api.v1alpha1.Runtime") + field_bytes(2, b"RegisterPlugin") + \
      field_bytes(3, field_bytes(1, b"evictprobe") + field_bytes(2, b"20"))
send(2, 1, 1, req)

streams = {1: b"", 2: b""}
buf = b""
while True:
    data = s.recv(65536)
    if not data: log("runtime closed"); break
    buf += data
    while len(buf) >= 8:
        conn, ln = struct.unpack(">II", buf[:8])
        if len(buf) < 8 + ln: break
        streams[conn] = streams.get(conn, b"") + buf[8:8 + ln]; buf = buf[8 + ln:]
    st = streams.get(1, b"")
    while len(st) >= 10:
        ln, sid, mtype, _ = struct.unpack(">IIBB", st[:10])
        if len(st) < 10 + ln: break
        body, st = st[10:10 + ln], st[10 + ln:]
        r = parse(body); method = r[2][0].decode()
        log("request", method)
        if method == "Configure": payload = field_int(2, 1 << 3)   # CREATE_CONTAINER
        elif method == "CreateContainer":
            payload = field_bytes(3, field_bytes(1, victim.encode()) + field_bytes(2, b"probe: does the runtime evict?"))
            log("answering with evict", victim)
        else: payload = b""
        send(1, sid, 2, field_bytes(2, payload))
    streams[1] = st
    streams[2] = b""  # RegisterPlugin's answer: not needed
