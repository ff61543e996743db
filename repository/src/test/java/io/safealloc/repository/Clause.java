package io.safealloc.repository;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One clause of an OSGi manifest header ({@code name;attr=value;directive:=value}), with the
 * quotes taken off and an attribute's type dropped ({@code objectClass:List<String>} is
 * {@code objectClass}). Enough of the OSGi header grammar for the checks here: quoted strings may
 * hold commas and semicolons.
 */
record Clause(String name, Map<String, String> attributes, Map<String, String> directives) {

    static List<Clause> parse(String header) {
        List<Clause> clauses = new ArrayList<>();
        if (header == null) {
            return clauses;
        }
        for (String text : split(header, ',')) {
            List<String> parts = split(text, ';');
            Map<String, String> attributes = new LinkedHashMap<>();
            Map<String, String> directives = new LinkedHashMap<>();
            for (String part : parts.subList(1, parts.size())) {
                int directive = part.indexOf(":=");
                int equals = part.indexOf('=');
                if (directive >= 0 && directive < equals) {
                    directives.put(part.substring(0, directive).trim(), unquote(part.substring(directive + 2)));
                } else if (equals >= 0) {
                    String key = part.substring(0, equals).trim();
                    int type = key.indexOf(':');
                    attributes.put(type >= 0 ? key.substring(0, type) : key, unquote(part.substring(equals + 1)));
                }
            }
            clauses.add(new Clause(parts.get(0).trim(), attributes, directives));
        }
        return clauses;
    }

    boolean optional() {
        return "optional".equals(directives.get("resolution"));
    }

    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts;
    }

    private static String unquote(String value) {
        String v = value.trim();
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }
}
