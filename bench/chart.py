"""The headline chart as SVG text: one group per metric, one horizontal bar per init, drawn from
tini-static's line at 1x on a logarithmic axis, so that halving and doubling look alike."""
import math
from xml.sax.saxutils import escape, quoteattr

from inits import NAMES, REFERENCE
from report import number, times

# Okabe-Ito colours (distinct for colour-blind readers); tini-static, the reference, in grey.
COLOURS = {"vigil": "#0072B2", "tini": "#E69F00", "tini-static": "#999999",
           "dumb-init": "#009E73", "catatonit": "#CC79A7"}

WIDTH = 960
LEFT = 110          # room for the init names beside the bars
RIGHT = 150         # room for the labels of the longest bars
LABEL_CHAR = 6.3    # the width of one character of an 11 px label, roughly
TOP = 104           # title, subtitle and legend
HEADING = 22        # a metric's name above its bars
ROW = 16            # one bar
GAP = 14            # between groups
BOTTOM = 40         # the axis labels
PLOT_WIDTH = WIDTH - LEFT - RIGHT


def svg(metrics, quick):
    lower, upper = axis_range(metrics)
    scale = LogScale(lower, upper)
    group_height = HEADING + ROW * len(NAMES) + GAP
    plot_bottom = TOP + group_height * len(metrics)
    parts = [header(plot_bottom + BOTTOM, quick), legend()]
    parts += grid(scale, plot_bottom)
    for index, metric in enumerate(metrics):
        parts.append(group(metric, scale, TOP + index * group_height))
    parts.append(f'<line class="reference" x1="{scale.x(1):.1f}" y1="{TOP - 6}" '
                 f'x2="{scale.x(1):.1f}" y2="{plot_bottom}" stroke="#000" stroke-width="1.5"/>')
    parts.append("</svg>\n")
    return "\n".join(parts)


def axis_range(metrics):
    """Whole powers of ten around every finite, non-zero ratio, and at least 0.1 to 10."""
    ratios = [value for metric in metrics for value in metric.ratios().values()
              if 0 < value < math.inf]
    lower = 10 ** math.floor(math.log10(min(ratios + [0.1])))
    upper = 10 ** math.ceil(math.log10(max(ratios + [10])))
    return max(lower, 0.001), min(upper, 1000)


class LogScale:
    def __init__(self, lower, upper):
        self.lower, self.upper = lower, upper

    def x(self, value):
        """The x of a ratio; zero and infinity (and anything beyond the axis) sit at its ends."""
        clamped = min(max(value, self.lower), self.upper)
        share = math.log(clamped / self.lower) / math.log(self.upper / self.lower)
        return LEFT + share * PLOT_WIDTH


def header(height, quick):
    subtitle = ("Ratio to tini-static (= 1×, the black line), logarithmic axis. Lower is better "
                "for every metric. Bars at the axis's left end are zero.")
    title = "vigil and its peers, relative to tini-static"
    if quick:
        title += " (quick run: too few repetitions to quote)"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
            f'viewBox="0 0 {WIDTH} {height}" font-family="DejaVu Sans, Helvetica, Arial, '
            f'sans-serif" font-size="12">\n'
            f'<rect width="{WIDTH}" height="{height}" fill="#fff"/>\n'
            f'<text x="{WIDTH / 2}" y="26" text-anchor="middle" font-size="17" '
            f'font-weight="bold">{escape(title)}</text>\n'
            f'<text x="{WIDTH / 2}" y="48" text-anchor="middle" fill="#444">'
            f'{escape(subtitle)}</text>')


def legend():
    items = []
    for index, name in enumerate(NAMES):
        x = LEFT + index * 120
        items.append(f'<rect x="{x}" y="66" width="14" height="14" fill="{COLOURS[name]}"/>'
                     f'<text x="{x + 20}" y="77">{escape(name)}</text>')
    return '<g class="legend">' + "".join(items) + "</g>"


def grid(scale, bottom):
    """Vertical lines at 1, 2 and 5 times each power of ten, labelled at the powers."""
    lines = []
    exponent = round(math.log10(scale.lower))
    while 10 ** exponent <= scale.upper * 1.0001:
        for step in (1, 2, 5):
            value = step * 10 ** exponent
            if value > scale.upper * 1.0001:
                break
            x = scale.x(value)
            colour = "#bbb" if step == 1 else "#e4e4e4"
            lines.append(f'<line x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{bottom}" '
                         f'stroke="{colour}" stroke-width="1"/>')
            if step == 1:
                lines.append(f'<text x="{x:.1f}" y="{bottom + 18}" text-anchor="middle" '
                             f'fill="#444">{value:g}×</text>')
        exponent += 1
    return lines


def group(metric, scale, top):
    ratios = metric.ratios()
    parts = [f'<g class="metric" data-metric={quoteattr(metric.label)}>',
             f'<text x="10" y="{top + 15}"><tspan font-weight="bold">{escape(metric.label)}'
             f'</tspan><tspan dx="8" fill="#444">(tini-static: '
             f'{escape(metric.show(REFERENCE))})</tspan></text>']
    for index, name in enumerate(NAMES):
        parts.append(bar(name, metric, ratios[name], scale, top + HEADING + index * ROW))
    parts.append("</g>")
    return "\n".join(parts)


def bar(name, metric, value, scale, top):
    """A bar from the 1x line to the ratio, at least 2 px wide so that 1x shows as a tick,
    with the init's name on the left and the ratio and value beside the bar's far end."""
    one, end = scale.x(1), scale.x(value)
    left, width = min(one, end), max(abs(end - one), 2)
    if width == 2:
        left = one - 1
    label = f"{times(value)} ({metric.show(name)})"
    # Right of the bar where the label fits, else left of it: a bar's row is empty on the other
    # side of the 1x line.
    if max(one, end) + 5 + LABEL_CHAR * len(label) <= WIDTH - 5:
        label_x, anchor = max(one, end) + 5, "start"
    else:
        label_x, anchor = min(one, end) - 5, "end"
    return (f'<text x="{LEFT - 8}" y="{top + 11}" text-anchor="end" fill="#333">'
            f'{escape(name)}</text>'
            f'<rect class="bar" data-init={quoteattr(name)} data-ratio="{number(value)}" '
            f'x="{left:.1f}" y="{top + 2}" width="{width:.1f}" height="{ROW - 4}" '
            f'fill="{COLOURS[name]}"/>'
            f'<text x="{label_x:.1f}" y="{top + 11}" text-anchor="{anchor}" font-size="11" '
            f'fill="#222">'
            f'{escape(label)}</text>')
