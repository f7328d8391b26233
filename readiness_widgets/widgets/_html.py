"""Small Jinja2 templates (autoescaped) for the HTML pieces of the form. Every string is untrusted."""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

from jinja2 import Environment

VERDICT_COLOURS = {"ready": "#15803d", "ready_with_conditions": "#b45309", "not_ready": "#b91c1c"}

_TEMPLATES = {
    "question": """\
<h3 class="rw-question-text">{{ q.text }}</h3>
<div class="rw-question-meta">{{ q.id }}{% if q.weight != 1 %} &middot; weight {{ q.weight }}{% endif %}\
{% if q.owner %} &middot; owner: {{ q.owner }}{% endif %}\
{% if q.floor %} &middot; knock-out: at least {% for p, lv in q.floor.items() %}level {{ lv }} for {{ p }}{{ ", " if not loop.last }}{% endfor %}{% endif %}\
{% if q.controls %} &middot; {{ q.controls | join(', ') }}{% endif %}</div>
{% if q.help %}<div class="rw-question-help">{{ q.help }}</div>{% endif %}""",
    "notes_label": """Notes<span class="rw-sr-only"> on: {{ q.text }}</span>""",
    "dimension_intro": """<h2 class="rw-dimension-title">{{ d.title }}</h2><p class="rw-dimension-help">{{ d.description }}</p>""",
    "evidence_hint": """{% if hint %}<small style="color:#4b5563">What would prove it: {{ hint }}</small>{% endif %}""",
    "progress": """<span class="rw-progress-text">answered <b>{{ answered }}</b> of <b>{{ applicable }}</b></span>""",
    "status": """<span class="rw-save-status" style="color:{{ colour }}">{{ text }}</span>""",
    "scroll": """<div class="rw-scroll" role="region" tabindex="0" aria-label="{{ label }}">{{ html }}</div>""",
    "verdict": """\
<div class="rw-verdict">
<div class="rw-verdict-label" style="color:{{ colour }}">{{ v.label }}</div>
<div>against the <b>{{ target.title }}</b> target{% if target.chosen_by == 'triage' %} (recommended by the triage){% endif %};
{% if not scored %}<b>no data yet</b>: no dimension has an answer, so nothing is scored (this is not a score of 0).
{% else %}mean {{ mean }}, weakest link {% if weakest_missing %}<b>no data</b>{% else %}{{ weakest }}{% endif %} ({{ weakest_title }})
{% endif %}</div>
{% if scored and no_data %}<div class="rw-no-data"><b>No data</b> (nothing answered yet, drawn as a gap on the radar, counted as 0 in the mean):
{{ no_data | join(', ') }}</div>{% endif %}
{% if target.reasons %}<div><small>{{ target.reasons | join('; ') }}</small></div>{% endif %}
{% if v.reasons %}<div><b>Blockers</b><ul>{% for r in v.reasons %}<li>{{ r }}</li>{% endfor %}</ul></div>{% endif %}
{% if v.knockouts %}<div><small>Knock-out questions ({{ v.knockouts | length }}): each one alone makes it not ready.</small></div>{% endif %}
{% if v.conditions %}<div><b>Conditions</b><ul>{% for r in v.conditions %}<li>{{ r }}</li>{% endfor %}</ul></div>{% endif %}
{% if blocking %}<div><b>Blocking questions</b> (worst first)<ul>{% for q in blocking %}\
<li><code>{{ q.id }}</code> {{ q.text }}</li>{% endfor %}</ul>{% if more %}<small>and {{ more }} more</small>{% endif %}</div>{% endif %}
</div>""",
    "roadmap": """\
<div class="rw-roadmap">
<div><b>Roadmap to {{ r.target }}</b>: {{ r.total_weeks }} weeks (about {{ r.total_months }} months; {{ r.total_weeks_low }} to {{ r.total_weeks_high }} weeks),
{{ r.parallel_streams }} work streams; long lead times start first, so the phases overlap.
{% if r.count("assess") %}<br>{{ r.count("assess") }} question(s) still to assess: their work is planned from level 0 until answered.{% endif %}</div>
{% for p in r.phases %}
<div style="margin-top:6px"><b>Phase {{ p.phase }}: {{ p.title }}</b>
{% if p.has_gaps %}&middot; weeks {{ p.start_week }} to {{ p.end_week }} ({{ p.weeks }} weeks){% else %}&middot; no gaps{% endif %}</div>
{% if p.description %}<div><small>{{ p.description }}</small></div>{% endif %}
{% if p.has_gaps %}<table class="rw-table"><thead><tr><th>Deliverable</th><th>Kind</th><th>Question</th><th>Owner</th><th>Weeks</th><th>Effort (weeks)</th></tr></thead><tbody>
{% for d in p.deliverables.itertuples() %}<tr><td>{{ d.deliverable }}</td><td>{{ d.kind }}{% if d.provisional %} (provisional){% endif %}</td><td><code>{{ d.question }}</code></td>\
<td>{{ d.owner }}</td><td>{{ '%g' % (d.start_week | round(1)) }} to {{ '%g' % (d.end_week | round(1)) }}</td>\
<td>{% if d.effort_low == d.effort_high %}{{ '%g' % d.effort_low }}{% else %}{{ '%g' % d.effort_low }} to {{ '%g' % d.effort_high }}{% endif %}</td></tr>{% endfor %}
</tbody></table>{% endif %}
{% if p.criteria %}<div>Go/no-go:<ul>{% for c in p.criteria %}\
<li>{{ 'met' if c.met else 'not met' }}: {{ c.describe() }}</li>{% endfor %}</ul></div>{% endif %}
{% endfor %}
</div>""",
    "review": """\
<table class="rw-table rw-review"><thead><tr><th>Question</th><th>Dimension</th><th>Text</th><th>Answer</th>\
<th>Evidence</th><th>Notes</th></tr></thead><tbody>
{% for row in rows %}<tr{% if row.answer == 'unanswered' %} style="color:#b91c1c"{% endif %}>\
<td><code>{{ row.id }}</code></td><td>{{ row.dimension }}</td><td>{{ row.text }}</td><td>{{ row.answer }}</td>\
<td>{{ row.evidence }}</td><td>{{ row.notes }}</td></tr>
{% endfor %}</tbody></table>""",
    "banner": """\
<div class="rw-banner" role="status" style="border-left:8px solid {{ colour }};background:#f9fafb;padding:8px 14px;margin:8px 0">
<div class="rw-banner-status" style="font-size:1.6em;font-weight:bold;color:{{ colour }}">{{ v.label }}</div>
<div>against the <b>{{ target.title }}</b> target{% if target.chosen_by == 'triage' %} (recommended by the triage){% endif %}:
mean <b>{{ '%.2f' % mean }}</b> of 4, weakest link <b>{{ weakest_title }}</b> at <b>{{ '%.2f' % weakest }}</b></div>
{% if v.reasons %}<div><b>Blockers:</b> {{ v.reasons | join('; ') }}</div>{% endif %}
{% if v.conditions %}<div><b>Conditions:</b> {{ v.conditions | join('; ') }}</div>{% endif %}
{% if target.reasons %}<div><small>Target raised: {{ target.reasons | join('; ') }}</small></div>{% endif %}
</div>""",
    "dashboard_meta": """\
<div class="rw-meta"><b class="rw-pilot">{{ info.pilot }}</b>{% if info.respondents %} &middot; answered by {{ info.respondents | join(', ') }}{% endif %}
&middot; updated {{ info.updated.strftime('%Y-%m-%d %H:%M') }} UTC &middot; bank {{ bank.id }} {{ bank.version }}
&middot; <code>{{ file }}</code>
{% if previous %}<br><small>Compared with the previous assessment of {{ previous.updated.strftime('%Y-%m-%d') }}
(<code>{{ previous.name }}</code>)</small>{% endif %}
{% for warning in warnings %}<br><small style="color:#b45309">{{ warning }}</small>{% endfor %}</div>""",
    "notices": """\
{% for n in notices %}<div class="rw-notice" role="alert" style="color:#b91c1c">{{ n }}</div>{% endfor %}
{% if unreadable %}<div class="rw-unreadable" role="alert" style="color:#b45309">{{ unreadable | length }} file(s) could not be read
and are not shown:<ul>{% for name, error in unreadable %}<li><code>{{ name }}</code>: {{ error }}</li>{% endfor %}</ul></div>{% endif %}""",
    "portfolio_header": """\
<h1>AI pilot portfolio</h1>
<div class="rw-portfolio-meta">{{ count }} pilot{{ '' if count == 1 else 's' }} in <code>{{ label }}</code> &middot; bank {{ bank.id }} {{ bank.version }}
&middot; latest assessment {{ latest }}</div>""",
    "portfolio_summary": """\
<div class="rw-summary" role="status" data-total="{{ total }}">Showing {{ total }} of {{ everyone }} pilot{{ '' if everyone == 1 else 's' }}\
{% if criteria %} (filtered){% endif %}{% if total %}; heatmap rows {{ offset + 1 }}&ndash;{{ [offset + limit, total] | min }}{% endif %}</div>""",
    "empty": """<p>No assessment in <code>{{ folder }}</code> yet. Save one with <code>readiness demo -o FILE</code> \
or the notebook form, then reload this page.</p>""",
    "evidence": """\
<table class="rw-table rw-evidence"><thead><tr><th>Question</th><th>Dimension</th><th>Answer</th><th>Evidence</th>\
<th>Notes</th><th>Links</th></tr></thead><tbody>
{% for row in rows %}<tr><td>{{ row.text }}<br><small><code>{{ row.id }}</code></small></td><td>{{ row.dimension_title }}</td>\
<td>{{ row.answer }}{% if row.anchor %}: {{ row.anchor }}{% endif %}</td><td>{{ row.evidence }}</td><td>{{ row.notes }}</td>\
<td>{% for link in row.links %}{{ html_link(link, new_tab=True) }}<br>{% endfor %}</td></tr>
{% endfor %}</tbody></table>""",
}

# The form's layout and looks. Class rules only: ipywidgets' Layout traits become inline styles,
# which a container query could not change. Colours meet WCAG 2.2 AA on white (text >= 4.5:1,
# focus ring and borders >= 3:1).
STYLE = """<style>
.rw-table {border-collapse: collapse; font-size: 0.9em}
.rw-table th, .rw-table td {border: 1px solid #e5e7eb; padding: 2px 6px; text-align: left; vertical-align: top}
.rw-scroll {max-width: 100%; overflow-x: auto}
.rw-sr-only {position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0}
.rw-current {outline: 2px solid #1d4ed8; outline-offset: 2px}
.rw-dashboard h1 {font-size: 1.6em; margin: 4px 0}
.rw-dashboard h2 {font-size: 1.2em; margin: 12px 0 4px 0}

/* the form: a column of questions and, beside it when there is room, the results in view */
.rw-app {container: rw-app / inline-size; width: 100%; max-width: 100%; box-sizing: border-box; background: #fff;
  color: #1f2937; line-height: 1.4}
.rw-app, .rw-app .widget-box, .rw-app .jupyter-widget-tab-contents, .rw-app .lm-TabPanel-stackedPanel
  {overflow: visible}
/* a sticky results column needs every box up to the notebook's scroller to let it out: the
   output area around the form (JupyterLab, Notebook 7, Voila) clips or scrolls by default */
.jp-OutputArea:has(> * .rw-app), .jp-OutputArea-child:has(.rw-app), .jp-OutputArea-output:has(.rw-app)
  {overflow: visible}
.rw-app .rw-body {display: flex; flex-flow: row wrap; align-items: flex-start; gap: 8px 20px; width: 100%}
.rw-app .rw-main {flex: 1 1 100%; min-width: 0; max-width: 100%}
.rw-app .rw-results {flex: 1 1 100%; min-width: 0; max-width: 100%; box-sizing: border-box;
  border-top: 2px solid #d1d5db; padding-top: 8px}
@container rw-app (min-width: 800px) {
  .rw-app .rw-body {flex-wrap: nowrap}
  .rw-app .rw-main {flex: 3 1 0}
  .rw-app .rw-results {flex: 2 1 0; max-width: 560px; position: sticky; top: 0; max-height: 100vh;
    overflow-y: auto; border-top: 0; border-left: 2px solid #d1d5db; padding: 0 0 0 14px}
  .rw-app .rw-to-results {display: none}
}
.rw-app .rw-header {border-bottom: 1px solid #d1d5db; padding-bottom: 6px; margin-bottom: 4px}
.rw-app .rw-header .widget-hbox {flex-wrap: wrap; gap: 4px 12px; align-items: center}
.rw-app .rw-header .widget-text, .rw-app .rw-header .widget-dropdown {width: min(100%, 22rem)}
.rw-app .rw-to-results a {color: #1d4ed8}

/* tabs: whole titles with their counts, wrapped onto more lines when they do not fit */
.rw-app .jupyter-widget-tab > .lm-TabBar {overflow: visible; min-height: 0; height: auto}
.rw-app .jupyter-widget-tab > .lm-TabBar .lm-TabBar-content {flex-wrap: wrap; height: auto; align-items: stretch}
.rw-app .jupyter-widget-tab > .lm-TabBar .lm-TabBar-tab {flex: 0 1 auto; max-width: 100%; min-width: 0;
  height: auto; min-height: var(--jp-widgets-horizontal-tab-height, 24px); color: #374151;
  margin-bottom: 2px}
.rw-app .jupyter-widget-tab > .lm-TabBar .lm-TabBar-tab.lm-mod-current {color: #111827; font-weight: 600}
.rw-app .jupyter-widget-tab > .lm-TabBar .lm-TabBar-tabLabel {white-space: normal; overflow: visible;
  text-overflow: clip; line-height: 1.3; padding: 3px 0}

/* questions */
.rw-app .rw-question {border-bottom: 1px solid #e5e7eb; padding: 8px 0 10px 0}
.rw-app .rw-question-text {font-size: 1.05em; font-weight: 600; margin: 4px 0 2px 0; line-height: 1.35}
.rw-app .rw-dimension-title {font-size: 1.2em; margin: 6px 0 2px 0}
.rw-app .rw-question-meta {color: #4b5563; font-size: 0.85em}
.rw-app .rw-question-help, .rw-app .rw-dimension-help {color: #374151}
.rw-choice {display: block; width: 100%; margin: 4px 0}
.rw-choice [role=radiogroup] {display: flex; flex-direction: column; gap: 2px}
.rw-choice [role=radiogroup].rw-horizontal {flex-flow: row wrap; gap: 4px 8px}
.rw-choice .rw-option {display: flex; align-items: flex-start; gap: 8px; padding: 3px 8px; cursor: pointer;
  border: 1px solid transparent; border-radius: 4px; line-height: 1.35; max-width: 100%; box-sizing: border-box}
.rw-choice .rw-horizontal .rw-option {border-color: #6b7280}
.rw-choice .rw-option input {flex: none; width: 16px; height: 16px; margin: 0.15em 0 0 0; accent-color: #1d4ed8}
.rw-choice .rw-option-text {min-width: 0; overflow-wrap: anywhere}
.rw-choice .rw-option.rw-checked {background: #eff6ff; border-color: #1d4ed8}
.rw-choice .rw-option:hover {background: #f3f4f6}
.rw-choice-caption {font-weight: 600; margin: 2px 0}
.rw-choice-hint {color: #4b5563; font-size: 0.9em; margin-top: 2px}
.rw-choice .rw-clear {margin-top: 4px}
.rw-choice [hidden], .rw-app [hidden] {display: none !important}
.rw-app .widget-html-content {line-height: 1.4}
.rw-app .widget-html-content p {margin: 4px 0}
.rw-app .rw-row-message {color: #b91c1c}

/* controls sized to their labels, focus always visible (3 px, 6.7:1 on white) */
.rw-app .jupyter-button, .rw-dashboard .jupyter-button {width: auto; max-width: 100%; height: auto;
  min-height: 28px; overflow: visible; white-space: normal; line-height: 1.3; padding: 4px 10px}
.rw-app .jupyter-button.mod-warning {background: #b45309; color: #fff}
.rw-app .jupyter-button.mod-info, .rw-app .jupyter-button.mod-primary {background: #1d4ed8; color: #fff}
.rw-app :focus-visible, .rw-dashboard :focus-visible, .rw-app input:focus, .rw-app textarea:focus,
.rw-app select:focus, .rw-dashboard select:focus {outline: 3px solid #1d4ed8 !important; outline-offset: 2px}
.rw-app .widget-textarea textarea {min-height: 52px; resize: vertical}
.rw-app .widget-textarea, .rw-app .widget-text {max-width: 100%}

/* results */
.rw-app .rw-verdict-label {font-size: 1.2em; font-weight: bold}
.rw-app .rw-no-data {margin-top: 4px; color: #374151}
.rw-app .rw-results .widget-html-content {max-width: 100%}
</style>"""


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)


@cache
def _template(name: str):
    return _env().from_string(_TEMPLATES[name])


DIMENSION_COLUMNS = {
    "title": "Dimension",
    "score": "Score",
    "target": "Target",
    "gap": "Gap",
    "coverage": "Coverage",
    "answered": "Answered",
    "applicable": "Applicable",
    "dont_know": "Don't know",
    "status": "Status",
}


def scroll(html: str, label: str) -> str:
    """``html`` (ours, already escaped) in a box that scrolls sideways when narrow, reachable by keyboard."""
    from markupsafe import Markup

    return render("scroll", html=Markup(html), label=label)  # noqa: S704 - our own escaped HTML


def html_table(frame) -> str:
    """A DataFrame as an escaped HTML table in the house style."""
    return frame.to_html(
        escape=True, index=False, na_rep="n/a", float_format=lambda x: f"{x:.2f}", classes="rw-table", border=0
    )


def dimension_table(result, columns=tuple(DIMENSION_COLUMNS)) -> str:
    """The result's dimension rows as HTML; with a previous assessment, its scores beside them."""
    import pandas as pd

    frame = pd.DataFrame(
        [[getattr(d, c) for c in columns] for d in result.dimensions], columns=[DIMENSION_COLUMNS[c] for c in columns]
    )
    if "Coverage" in frame:
        frame["Coverage"] = frame["Coverage"].map(lambda c: f"{c:.0%}")
    if result.previous is not None:
        frame.insert(2, "Previous", [d.previous for d in result.dimensions])
    return html_table(frame)


def render(name: str, **context: Any) -> str:
    """Render one of the templates above with autoescaping."""
    return _template(name).render(**context)
