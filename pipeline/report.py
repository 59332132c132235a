"""The status picture: one self-contained HTML page (inline CSS, no script) a coordinator
opens instead of reading tables — progress bars per language and page, open QA errors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.checks import run_checks
from pipeline.config import Config, Language
from pipeline.findings import ERROR, Finding
from pipeline.fs import atomic_write
from pipeline.status import Stats, language_total, status

_TEMPLATE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Translation status{% if site %} — {{ site }}{% endif %}</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 64rem;
       padding: 0 1rem; color: #1d1d1f; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2.2rem; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: .3rem .5rem; text-align: left; border-bottom: 1px solid #ddd; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 600; border-top: 2px solid #888; }
.bar { display: flex; height: .9rem; width: 16rem; background: #eee; border-radius: 3px;
       overflow: hidden; }
.bar span { display: block; height: 100%; }
.reviewed { background: #2e7d32; } .machine { background: #f9a825; }
.missing { background: #c62828; }
.key span { display: inline-block; width: .8rem; height: .8rem; margin: 0 .3rem 0 1rem;
            vertical-align: -.1rem; }
.ok { color: #2e7d32; } ul.qa { padding-left: 1.2rem; } ul.qa li { margin: .2rem 0; }
code { font-size: .85rem; } q { color: #555; }
</style>
</head>
<body>
<h1>Translation status{% if site %} — {{ site }}{% endif %}</h1>
<p class="key">Bars:<span class="reviewed"></span>reviewed<span class="machine"></span>machine
draft (fuzzy)<span class="missing"></span>missing (untranslated)</p>
{% for lang in languages %}
<section id="lang-{{ lang.code }}" data-lang="{{ lang.code }}">
<h2>{{ lang.code }} — {{ "%.1f"|format(lang.total.reviewed_percent) }} % reviewed,
{{ lang.errors|length }} QA error{{ "" if lang.errors|length == 1 else "s" }}</h2>
<table>
<thead><tr><th>catalog</th><th>progress</th><th class="n">reviewed</th>
<th class="n">machine</th><th class="n">missing</th><th class="n">total</th></tr></thead>
<tbody>
{% for s in lang.rows %}
<tr class="{{ 'total' if s.domain == '(all)' else 'catalog' }}" data-domain="{{ s.domain }}"
 data-reviewed="{{ s.reviewed }}" data-machine="{{ s.machine }}"
 data-untranslated="{{ s.untranslated }}" data-total="{{ s.total }}">
<td>{{ s.domain }}{% if s.missing %} (no .po yet){% endif %}</td>
<td><div class="bar" role="img" aria-label="{{ s.reviewed }} reviewed, {{ s.machine }}
 machine, {{ s.untranslated }} missing of {{ s.total }}">
{%- for part, count in (("reviewed", s.reviewed), ("machine", s.machine),
                        ("missing", s.untranslated)) if count -%}
<span class="{{ part }}" style="width: {{ "%.2f"|format(s.percent(count)) }}%"></span>
{%- endfor -%}
</div></td>
<td class="n">{{ s.reviewed }}</td><td class="n">{{ s.machine }}</td>
<td class="n">{{ s.untranslated }}</td><td class="n">{{ s.total }}</td>
</tr>
{% endfor %}
</tbody>
</table>
<h3>Open QA errors</h3>
{% if lang.errors %}
<ul class="qa errors">
{% for f in lang.errors %}
<li><code>{{ f.path }}:{{ f.line }}</code> <strong>{{ f.check }}</strong>: {{ f.message }}
{%- if f.msgid %} — <q>{{ f.msgid|truncate(90) }}</q>{% endif %}</li>
{% endfor %}
</ul>
{% else %}
<p class="ok">None.</p>
{% endif %}
{% if lang.warnings %}
<details><summary>{{ lang.warnings|length }}
warning{{ "" if lang.warnings|length == 1 else "s" }}</summary>
<ul class="qa warnings">
{% for f in lang.warnings %}
<li><code>{{ f.path }}:{{ f.line }}</code> <strong>{{ f.check }}</strong>: {{ f.message }}
{%- if f.msgid %} — <q>{{ f.msgid|truncate(90) }}</q>{% endif %}</li>
{% endfor %}
</ul>
</details>
{% endif %}
</section>
{% endfor %}
<p><small>Written by <code>pipeline status --html</code>; rerun it to refresh.</small></p>
</body>
</html>
"""


@dataclass(frozen=True, slots=True)
class LanguageReport:
    code: str
    rows: tuple[Stats, ...]
    errors: tuple[Finding, ...]
    warnings: tuple[Finding, ...]

    @property
    def total(self) -> Stats:
        return self.rows[-1]


def gather(config: Config, languages: Sequence[Language]) -> list[LanguageReport]:
    """Counts (as ``status``) and QA findings (as ``check``) for each language."""
    stats = status(config, languages)
    reports = []
    for lang in languages:
        rows = [s for s in stats if s.lang == lang.gettext]
        findings = run_checks(config, [lang])
        reports.append(LanguageReport(
            lang.gettext,
            (*rows, language_total(rows, lang.gettext)),
            tuple(f for f in findings if f.severity == ERROR),
            tuple(f for f in findings if f.severity != ERROR),
        ))
    return reports


def status_html(config: Config, languages: Sequence[Language]) -> str:
    """The page as text; everything from catalogs and settings is HTML-escaped."""
    from jinja2 import Environment

    env = Environment(autoescape=True, keep_trailing_newline=True)
    return env.from_string(_TEMPLATE).render(site=config.site_name,
                                             languages=gather(config, languages))


def write_status_html(config: Config, languages: Sequence[Language], path: Path) -> bool:
    """Write the page atomically; False when the bytes did not change."""
    return atomic_write(path, status_html(config, languages).encode("utf-8"))
