#!/usr/bin/env python3
"""Writes jinja2-semantics.json: small templates rendered by Jinja2 in the environment that
Hugging Face transformers gives apply_chat_template (trim_blocks, lstrip_blocks, loopcontrols,
its tojson, raise_exception). ChatTemplate must reproduce each rendering byte for byte.

Run from this directory: python3 jinja2-semantics.py (needs jinja2 3.x).

Known differences, left out on purpose: jinjava cannot tell none from undefined, so {{ none }}
prints nothing (Jinja2: "None"); `'=' * 3` (string repetition) and `a and b or c` returning an
operand rather than a boolean are not supported."""
import json
import jinja2
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception

MSGS = [
    {"role": "system", "content": "  Be brief.\n"},
    {"role": "user", "content": "<tool_response>ok</tool_response>"},
    {"role": "assistant", "content": "<think>\nhmm\n</think>\n\nYes.", "tool_calls": [
        {"type": "function", "function": {"name": "f", "arguments": {"x": 1, "y": [1.5, "é", None, True]}}}]},
    {"role": "user", "content": "Thanks!"},
]

CASES = {
    "strip": "[{{ '  a b \\n'.strip() }}][{{ 'xxaxx'.strip('x') }}][{{ '\\n\\nhi\\n'.lstrip('\\n') }}][{{ 'hi  '.rstrip() }}][{{ ' \\u3000 wide\\u00a0'.strip() }}]",
    "startswith": "{{ 'hello'.startswith('he') }} {{ 'hello'.endswith('lo') }} {{ 'hello'.startswith(('x', 'h')) }} {{ ''.startswith('') }}",
    "split": "{{ 'a,b,,c'.split(',') }} {{ '  a  b c '.split() }} {{ 'a b c d'.split(' ', 1) }} {{ 'a-b-c'.rsplit('-', 1) }} {{ 'x</think>y</think>z'.split('</think>')[-1] }}",
    "replace": "{{ 'aaa'.replace('a', 'b') }} {{ 'aaa'.replace('a', 'b', 2) }} {{ 'a.b'.replace('.', '') }}",
    "case": "{{ 'hello world'.upper() }} {{ 'HeLLo'.lower() }} {{ 'hello wORLD'.title() }} {{ 'hello World'.capitalize() }}",
    "find-count-join": "{{ 'hello'.find('l') }} {{ 'hello'.find('z') }} {{ 'hello'.count('l') }} {{ ', '.join(['a', 'b']) }} {{ '-'.join('abc') }}",
    "slices": "{{ [1, 2, 3, 4][::-1] }} {{ [1, 2, 3, 4][1:] }} {{ [1, 2, 3, 4][:-1] }} {{ [1, 2, 3, 4][-2:] }} {{ [1, 2, 3, 4][::2] }} {{ 'héllo'[1:3] }} {{ 'abc'[::-1] }} {{ [1, 2, 3][5:] }}",
    "index": "{{ messages[-1].content }} {{ messages[0]['role'] }} {{ [1, 2, 3][-1] }}",
    "reverse-loop": "{% for m in messages[::-1] %}{{ loop.index0 }}:{{ m.role }} {% endfor %}",
    "namespace": "{% set ns = namespace(last=messages|length - 1, found=false) %}{% for m in messages %}{% if m.role == 'user' %}{% set ns.last = loop.index0 %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.last }} {{ ns.found }}",
    "kwargs-filters": "{{ messages|map(attribute='role')|join(',') }} {{ messages|selectattr('role', 'equalto', 'user')|list|length }} {{ messages|rejectattr('role', 'equalto', 'user')|map(attribute='role')|join('+') }}",
    "tojson": "{{ messages[2].tool_calls[0].function.arguments|tojson }}|{{ {'a': [], 'b': {}, 'c': 'q\"\\\\\\n\\t\\u0001🙂'}|tojson }}|{{ [1.0, 0.5, 1e-07, 1e20, 3.14159, 100, -0.0, 12345678.9]|tojson }}",
    "tojson-indent": "{{ messages[2].tool_calls|tojson(indent=2) }}\n{{ {'z': 1, 'a': [1, {'b': 2}]}|tojson(indent=4, sort_keys=true) }}\n{{ {'a': 1}|tojson(separators=(',', ':')) }}\n{{ {'é': 'ü'}|tojson(ensure_ascii=true) }}",
    "loop-controls": "{% for i in range(10) %}{% if i == 2 %}{% continue %}{% endif %}{% if i == 5 %}{% break %}{% endif %}{{ i }}{% endfor %}|{% for m in messages %}{{ loop.index }}/{{ loop.length }}/{{ loop.revindex0 }}{{ '!' if loop.first }}{{ '$' if loop.last }} {% endfor %}|{% for m in messages %}{{ loop.cycle('a', 'b') }}{% endfor %}",
    "loop-filter": "{% for m in messages if m.role != 'system' %}{{ m.role }},{% endfor %}",
    "tests": "{{ messages is defined }} {{ nothing is defined }} {{ nothing is undefined }} {{ none is none }} {{ 'x' is string }} {{ 1 is string }} {{ messages[0] is mapping }} {{ messages is iterable }} {{ 1 is number }} {{ false is false }} {{ 0 is false }} {{ true is true }} {{ messages is sequence }}",
    "membership": "{{ 'ell' in 'hello' }} {{ 'x' not in 'hello' }} {{ 2 in [1, 2] }} {{ 'role' in messages[0] }} {{ 'tool_calls' in messages[0] }}",
    "printing": "[{{ true }}][{{ false }}][{{ 1.5 }}][{{ 3 / 2 }}][{{ 7 // 2 }}][{{ 2 ** 3 }}][{{ 'a' ~ 1 }}][{{ 10 % 3 }}][{{ 4 / 2 }}][{{ [1, 'a', none, true, {'k': 'v'}] }}][{{ \"it's\" }}]",
    "dicts": "{% for k, v in {'b': 1, 'a': 2}.items() %}{{ k }}={{ v }};{% endfor %} {{ {'a': 1}.get('a') }} {{ {'a': 1}.get('z', 'dflt') }} {{ {'a': 1}.keys()|list }} {% for k in {'x': 1, 'y': 2} %}{{ k }}{% endfor %} {{ messages[0]|length }}",
    "macro": "{% macro tag(name, body='x') %}<{{ name }}>{{ body }}</{{ name }}>{% endmacro %}{{ tag('a') }}{{ tag('b', body='y') }}{{ tag('c', 'z') }}",
    "set-block": "{% set x %}  inner {{ 1 + 1 }}\n{% endset %}[{{ x }}]",
    "conditional": "{{ 'yes' if messages else 'no' }} {{ 'a' if false else 'b' }} {{ 'c' if messages|length > 3 }}",
    "default-filters": "{{ nothing|default('d') }} {{ ''|default('e', true) }} {{ (messages|first).role }} {{ (messages|last)['role'] }} {{ '42'|int + 1 }} {{ 3|string + 'x' }} {{ ['b', 'a']|sort|join }} {{ ' x '|trim }} {{ 'a-b'|replace('-', '+') }} {{ [1, 2, 2]|unique|list }} {{ [1, 2]|sum }}",
    "whitespace": "<start>\n  {% if true %}\n    indented\n  {% endif %}\n  {%- if true %} dash {% endif -%}\n  {# comment #}\n  {{ 'expr' }}\n{%+ if true %}plus{% endif %}\n<end>\n",
    "trailing-newline": "line\n",
    "reasoning": "{% for m in messages %}{% if m.role == 'assistant' and '</think>' in m.content %}{{ m.content.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') }}|{{ m.content.split('</think>')[-1].lstrip('\\n') }}{% endif %}{% endfor %}",
    "string-index": "{{ 'hello'[0] }}{{ 'hello'[-1] }}",
    "escapes": "{{ '\\u00e9\\x41\\N{BULLET}\\101\\q' }}|{{ \"tab\\there\" }}|{{ 'a\\\\b' }}",
    "raise": "{% if messages|length > 1 %}{{ raise_exception('Too many messages: ' ~ messages|length) }}{% endif %}ok",
}


def render(template):
    try:
        return {"rendered": env.from_string(template).render(messages=MSGS, tools=None, add_generation_prompt=True,
                                                            bos_token="<s>", eos_token="</s>")}
    except jinja2.exceptions.TemplateError as e:
        return {"error": str(e)}


out = {"reference": "jinja2 %s, the environment of transformers' render_jinja_template" % jinja2.__version__,
       "messages": MSGS,
       "cases": [dict(name=name, template=template, **render(template)) for name, template in CASES.items()]}
with open("jinja2-semantics.json", "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False, indent=1)
    f.write("\n")
