#!/usr/bin/env python3
"""Renders a terminal capture with ANSI colours (`tmux capture-pane -e -p`)
to a PNG through ImageMagick (`convert`, Debian package imagemagick), cell
by cell in DejaVu Sans Mono, so a screenshot shows what a person saw.

usage: tools/ansi2png.py CAPTURE.ansi OUT.png [--cols N] [--rows N]
"""
import os
import re
import subprocess
import sys
import tempfile

FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf'
BOLD = '/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf'
POINT = 14
CW, CH = 8.5, 17  # cell size in pixels for POINT
PAD = 8
DEFAULT_FG = (208, 208, 208)
DEFAULT_BG = (28, 28, 28)

BASE16 = [(0, 0, 0), (205, 49, 49), (13, 188, 121), (229, 229, 16), (36, 114, 200),
          (188, 63, 188), (17, 168, 205), (229, 229, 229), (102, 102, 102), (241, 76, 76),
          (35, 209, 139), (245, 245, 67), (59, 142, 234), (214, 112, 214), (41, 184, 219),
          (255, 255, 255)]


def xterm256(n):
    if n < 16:
        return BASE16[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return (v, v, v)


def parse(text):
    """Rows of cells (char, fg, bg, bold)."""
    rows = []
    fg = bg = None
    bold = rev = False
    for line in text.split('\n'):
        row = []
        i = 0
        while i < len(line):
            m = re.match(r'\x1b\[([0-9;]*)m', line[i:])
            if m:
                codes = [int(c) if c else 0 for c in m.group(1).split(';')]
                j = 0
                while j < len(codes):
                    c = codes[j]
                    if c == 0:
                        fg = bg = None
                        bold = rev = False
                    elif c == 1:
                        bold = True
                    elif c == 22:
                        bold = False
                    elif c == 7:
                        rev = True
                    elif c == 27:
                        rev = False
                    elif 30 <= c <= 37:
                        fg = BASE16[c - 30]
                    elif 90 <= c <= 97:
                        fg = BASE16[c - 90 + 8]
                    elif 40 <= c <= 47:
                        bg = BASE16[c - 40]
                    elif 100 <= c <= 107:
                        bg = BASE16[c - 100 + 8]
                    elif c == 39:
                        fg = None
                    elif c == 49:
                        bg = None
                    elif c in (38, 48) and j + 1 < len(codes):
                        if codes[j + 1] == 5 and j + 2 < len(codes):
                            col = xterm256(codes[j + 2])
                            j += 2
                        elif codes[j + 1] == 2 and j + 4 < len(codes):
                            col = tuple(codes[j + 2:j + 5])
                            j += 4
                        else:
                            col = None
                        if c == 38:
                            fg = col
                        else:
                            bg = col
                    j += 1
                i += m.end()
                continue
            if line[i] == '\x1b':  # another escape: skip it
                m = re.match(r'\x1b\[[0-9;?]*[A-Za-z]', line[i:])
                i += m.end() if m else 1
                continue
            f, b = fg, bg
            if rev:
                f, b = (b or DEFAULT_BG), (f or DEFAULT_FG)
            row.append((line[i], f, b, bold))
            i += 1
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def rgb(c):
    return '#%02x%02x%02x' % c


def mvg_text(s):
    return "'" + s.replace('\\', '\\\\').replace("'", "\\'") + "'"


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    src, out = args[0], args[1]
    cols = int(args[args.index('--cols') + 1]) if '--cols' in args else None
    nrows = int(args[args.index('--rows') + 1]) if '--rows' in args else None
    rows = parse(open(src, encoding='utf-8', errors='replace').read())
    if nrows:
        rows = rows[:nrows]
    cols = cols or max((len(r) for r in rows), default=1)
    # the background of most cells is the page colour
    counts = {}
    for r in rows:
        for cell in r:
            if cell[2]:
                counts[cell[2]] = counts.get(cell[2], 0) + 1
    page = max(counts, key=counts.get) if counts else DEFAULT_BG
    w = int(cols * CW + 2 * PAD)
    h = int(len(rows) * CH + 2 * PAD)
    mvg = ['viewbox 0 0 %d %d' % (w, h), 'encoding UTF-8', 'font-size %d' % POINT, 'stroke none',
           'fill %s' % rgb(page), 'rectangle 0,0 %d,%d' % (w, h)]
    for y, r in enumerate(rows):
        for x, (ch, fg, bg, bold) in enumerate(r[:cols]):
            if bg and bg != page:
                x0, y0 = PAD + x * CW, PAD + y * CH
                mvg.append('fill %s' % rgb(bg))
                mvg.append('rectangle %.1f,%d %.1f,%d' % (x0, y0, x0 + CW, y0 + CH))
    for y, r in enumerate(rows):
        for x, (ch, fg, bg, bold) in enumerate(r[:cols]):
            if ch == ' ':
                continue
            mvg.append('font %s' % mvg_text(BOLD if bold else FONT))
            mvg.append('fill %s' % rgb(fg or DEFAULT_FG))
            mvg.append('text %.1f,%d %s' % (PAD + x * CW, PAD + y * CH + 13, mvg_text(ch)))
    with tempfile.NamedTemporaryFile('w', suffix='.mvg', delete=False, encoding='utf-8') as f:
        f.write('\n'.join(mvg) + '\n')
        name = f.name
    try:
        convert = '/usr/bin/convert' if os.path.exists('/usr/bin/convert') else 'convert'
        subprocess.run([convert, '-size', '%dx%d' % (w, h), 'mvg:' + name, '-strip', '+dither', '-colors', '64', 'PNG8:' + out],
                       check=True)
    finally:
        os.unlink(name)


if __name__ == '__main__':
    main()
