# SPDX-License-Identifier: MIT
"""A validator for the subset of JSON Schema (draft 2020-12) that docs/schema/ uses:
type, const, enum, pattern, minimum, maximum, minItems, maxItems, items, properties,
required, additionalProperties, patternProperties, anyOf and local $ref ("#/$defs/X").
A keyword outside the subset is an error, so that a schema cannot silently check less."""
import re

KNOWN = {"$schema", "$id", "$defs", "title", "description", "type", "const", "enum", "pattern",
         "minimum", "maximum", "minItems", "maxItems", "items", "properties", "required",
         "additionalProperties", "patternProperties", "anyOf", "$ref"}
TYPES = {
    "null": lambda v: v is None,
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "string": lambda v: isinstance(v, str),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


def validate(instance, schema, root=None, path="$"):
    """Returns the list of errors, each "path: what"."""
    root = root if root is not None else schema
    unknown = set(schema) - KNOWN
    if unknown:
        return ["%s: schema keyword(s) %s outside the supported subset" % (path, sorted(unknown))]
    if "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/$defs/"):
            return ["%s: only local #/$defs/ references are supported: %s" % (path, ref)]
        return validate(instance, root["$defs"][ref[len("#/$defs/"):]], root, path)
    errors = []
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(TYPES[t](instance) for t in types):
            return ["%s: %r is not of type %s" % (path, instance, "/".join(types))]
    if "const" in schema and instance != schema["const"]:
        errors.append("%s: %r is not %r" % (path, instance, schema["const"]))
    if "enum" in schema and instance not in schema["enum"]:
        errors.append("%s: %r is not one of %r" % (path, instance, schema["enum"]))
    if "anyOf" in schema:
        if all(validate(instance, s, root, path) for s in schema["anyOf"]):
            errors.append("%s: %r matches none of anyOf" % (path, instance))
    if isinstance(instance, str) and "pattern" in schema and not re.search(schema["pattern"], instance):
        errors.append("%s: %r does not match %s" % (path, instance, schema["pattern"]))
    if TYPES["number"](instance):
        if "minimum" in schema and instance < schema["minimum"]:
            errors.append("%s: %r < %r" % (path, instance, schema["minimum"]))
        if "maximum" in schema and instance > schema["maximum"]:
            errors.append("%s: %r > %r" % (path, instance, schema["maximum"]))
    if isinstance(instance, list):
        if len(instance) < schema.get("minItems", 0) or len(instance) > schema.get("maxItems", len(instance)):
            errors.append("%s: %d items" % (path, len(instance)))
        if "items" in schema:
            for i, v in enumerate(instance):
                errors += validate(v, schema["items"], root, "%s[%d]" % (path, i))
    if isinstance(instance, dict):
        for k in schema.get("required", []):
            if k not in instance:
                errors.append("%s: missing member %r" % (path, k))
        props, patterns = schema.get("properties", {}), schema.get("patternProperties", {})
        for k, v in instance.items():
            sub = "%s.%s" % (path, k)
            matched = False
            if k in props:
                errors += validate(v, props[k], root, sub)
                matched = True
            for pat, s in patterns.items():
                if re.search(pat, k):
                    errors += validate(v, s, root, sub)
                    matched = True
            extra = schema.get("additionalProperties", True)
            if not matched and extra is False:
                errors.append("%s: member not in the schema" % sub)
            elif not matched and isinstance(extra, dict):
                errors += validate(v, extra, root, sub)
    return errors
