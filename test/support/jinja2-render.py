#!/usr/bin/env python3
# Renders chat templates as transformers' apply_chat_template does (its _compile_jinja_template:
# an ImmutableSandboxedEnvironment with trim_blocks, lstrip_blocks and loopcontrols, its tojson
# and its raise_exception), with Python's Jinja2: the reference test/api/chat-template.test.mjs
# holds applyChatTemplate to. Reads a JSON array of {"template": str, "variables": {...}} on
# stdin and writes a JSON array of {"text": str} or {"error": str} (the template's message).
import json
import sys
from datetime import datetime

from jinja2.exceptions import TemplateError
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment


def raise_exception(message):
    raise TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    # transformers' own filter: Jinja2's escapes HTML characters, which a prompt must not.
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def strftime_now(format):
    return datetime.now().strftime(format)


env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception
env.globals["strftime_now"] = strftime_now

compiled = {}
out = []
for case in json.load(sys.stdin):
    source = case["template"]
    try:
        if source not in compiled:
            compiled[source] = env.from_string(source)
        out.append({"text": compiled[source].render(**case["variables"])})
    except TemplateError as error:
        out.append({"error": str(error)})
json.dump(out, sys.stdout, ensure_ascii=False)
