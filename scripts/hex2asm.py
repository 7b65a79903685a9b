#!/usr/bin/env python3
# Disassembles the [MachCode] hex dumps that -XX:+PrintAssembly prints when no hsdis library
# loads (Debian's libhsdis0-fcml does not load into JDK 25), with binutils' objdump.
# Usage: java -XX:+UnlockDiagnosticVMOptions -XX:CompileCommand=print,CLASS::METHOD ... > out.txt
#        scripts/hex2asm.py out.txt [N]   -> the N-th C2 method of the dump (default: the last);
#        the C2 methods found are listed on stderr.
import re, subprocess, sys
text = open(sys.argv[1]).read().split('\n')
want = int(sys.argv[2]) if len(sys.argv) > 2 else -1
methods = []; cur = None; inmc = False
for line in text:
    m = re.match(r'Compiled method \((c1|c2)\)\s+\d+\s+\d+\s+(\d)?.*?(\S+::\S+)', line)
    if m: cur = {'hdr': line.strip(), 'bytes': bytearray(), 'c2': m.group(1) == 'c2'}; methods.append(cur); inmc = False; continue
    if '[MachCode]' in line: inmc = True; continue
    if '[/MachCode]' in line: inmc = False; continue
    if inmc and cur is not None:
        m = re.match(r'\s+0x[0-9a-f]+: (.*)', line)
        if m and not m.group(1).lstrip().startswith(';'):
            for grp in m.group(1).split('|'):
                h = grp.replace(' ', '').strip()
                if re.fullmatch(r'[0-9a-f]+', h or 'x'): cur['bytes'] += bytes.fromhex(h)
c2 = [m for m in methods if m['c2']]
for i, m in enumerate(c2): print(i, m['hdr'], len(m['bytes']), file=sys.stderr)
m = c2[want]
open('/tmp/code.bin', 'wb').write(m['bytes'])
print(subprocess.run(['objdump', '-D', '-b', 'binary', '-mi386:x86-64', '-M', 'intel', '/tmp/code.bin'], capture_output=True, text=True).stdout)
