"""Small Jinja2 templates (autoescaped) for the HTML pieces of the form. Every string is untrusted."""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

from jinja2 import Environment

VERDICT_COLOURS = {"ready": "#15803d", "ready_with_conditions": "#b45309", "not_ready": "#b91c1c"}

_TEMPLATES = {
    "question": """\
<div class="rw-question-text"><b>{{ q.text }}</b>
<small style="color:#6b7280">&nbsp;{{ q.id }}{% if q.weight != 1 %} &middot; weight {{ q.weight }}{% endif %}\
{% if q.owner %} &middot; owner: {{ q.owner }}{% endif %}\
{% if q.floor %} &middot; knock-out: at least {% for p, lv in q.floor.items() %}level {{ lv }} for {{ p }}{{ ", " if not loop.last }}{% endfor %}{% endif %}\
{% if q.controls %} &middot; {{ q.controls | join(', ') }}{% endif %}</small></div>
{% if q.help %}<div class="rw-question-help" style="color:#4b5563">{{ q.help }}</div>{% endif %}""",
    "evidence_hint": """{% if hint %}<small style="color:#4b5563">What would prove it: {{ hint }}</small>{% endif %}""",
    "progress": """<span class="rw-progress-text">answered <b>{{ answered }}</b> of <b>{{ applicable }}</b></span>""",
    "status": """<span class="rw-save-status" style="color:{{ colour }}">{{ text }}</span>""",
    "verdict": """\
<div class="rw-verdict">
<div style="font-size:1.2em;font-weight:bold;color:{{ colour }}">{{ v.label }}</div>
<div>against the <b>{{ target.title }}</b> target{% if target.chosen_by == 'triage' %} (recommended by the triage){% endif %};
mean {{ mean }}, weakest link {{ weakest }} ({{ weakest_title }})</div>
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

STYLE = """<style>
.rw-table {border-collapse: collapse; font-size: 0.9em}
.rw-table th, .rw-table td {border: 1px solid #e5e7eb; padding: 2px 6px; text-align: left; vertical-align: top}
.rw-current {outline: 2px solid #2563eb; outline-offset: 2px}
.rw-app .widget-radio-box label {white-space: normal; height: auto; line-height: 1.3; margin-bottom: 2px}
.rw-app .widget-radio-box {flex-grow: 1}
.rw-dashboard h3 {margin: 12px 0 4px 0}
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
