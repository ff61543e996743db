package io.safealloc.webconsole;

/**
 * Writes JSON text by hand (the page needs a few objects, arrays, strings and whole numbers; no
 * JSON library is worth a dependency for that). The caller writes the structure; this class adds
 * the commas and escapes strings so that any bundle name or handler description stays valid JSON
 * and cannot close a {@code <script>} element.
 *
 * <p>Not thread-safe: one writer per response.
 */
final class JsonWriter {

    private final StringBuilder out = new StringBuilder(4096);
    /** True right after an opening bracket or a key: the next value needs no comma. */
    private boolean first = true;

    JsonWriter beginObject() {
        separate();
        out.append('{');
        first = true;
        return this;
    }

    JsonWriter endObject() {
        out.append('}');
        first = false;
        return this;
    }

    JsonWriter beginArray() {
        separate();
        out.append('[');
        first = true;
        return this;
    }

    JsonWriter endArray() {
        out.append(']');
        first = false;
        return this;
    }

    /** Writes a key; the next call writes its value. */
    JsonWriter name(String key) {
        separate();
        string(key);
        out.append(':');
        first = true;
        return this;
    }

    JsonWriter value(String text) {
        separate();
        if (text == null) {
            out.append("null");
        } else {
            string(text);
        }
        first = false;
        return this;
    }

    JsonWriter value(long number) {
        separate();
        out.append(number);
        first = false;
        return this;
    }

    JsonWriter field(String key, String text) {
        return name(key).value(text);
    }

    JsonWriter field(String key, long number) {
        return name(key).value(number);
    }

    private void separate() {
        if (!first) {
            out.append(',');
        }
        first = false;
    }

    private void string(String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                // '<' and '>' escaped too: the text may end up inside HTML.
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
