# SPDX-License-Identifier: MIT
"""Builds the probe guest image and writes it as a C array.

usage: embed.py OUTPUT.c SOURCE.S OBJCOPY CC [CC ARGS...]
The image is linked at 0x1000 (KC_PROBE_LOAD) as one flat section.
"""
import os
import subprocess
import sys
import tempfile


def main():
    out, src, objcopy, cc = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    with tempfile.TemporaryDirectory() as tmp:
        obj = os.path.join(tmp, 'guest.o')
        elf = os.path.join(tmp, 'guest.elf')
        img = os.path.join(tmp, 'guest.bin')
        subprocess.run(cc + ['-c', '-x', 'assembler-with-cpp', '-m64', src, '-o', obj],
                       check=True)
        subprocess.run(cc + ['-nostdlib', '-static', '-m64',
                             '-Wl,-Ttext=0x1000', '-Wl,-N', '-Wl,--build-id=none',
                             '-Wl,-e,header', '-Wl,--no-warn-rwx-segments',
                             obj, '-o', elf], check=True)
        subprocess.run([objcopy, '-O', 'binary', '-j', '.text', elf, img], check=True)
        with open(img, 'rb') as f:
            data = f.read()
    if data[:4] != b'KCPG':
        sys.exit('embed.py: %s did not produce a probe image' % src)
    lines = ['/* SPDX-License-Identifier: MIT */',
             '/* Generated from src/probe/guest.S by src/probe/embed.py. Do not edit. */',
             '#include <stddef.h>', '',
             'extern const unsigned char kc_probe_image[];',
             'extern const size_t kc_probe_image_size;', '',
             '__attribute__((aligned(4096))) const unsigned char kc_probe_image[] = {']
    for i in range(0, len(data), 16):
        lines.append('\t' + ', '.join('0x%02x' % b for b in data[i:i + 16]) + ',')
    lines += ['};', 'const size_t kc_probe_image_size = %d;' % len(data), '']
    tmp_out = out + '.tmp'
    with open(tmp_out, 'w') as f:
        f.write('\n'.join(lines))
    os.replace(tmp_out, out)


if __name__ == '__main__':
    main()
