package io.safealloc.webconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JsonWriterTest {

    @Test
    void commasBetweenMembersAndElements() {
        String json = new JsonWriter().beginObject().field("a", 1).name("b").beginArray().value(2).value("x")
                .beginObject().endObject().endArray().field("c", (String) null).endObject().toString();
        assertEquals("{\"a\":1,\"b\":[2,\"x\",{}],\"c\":null}", json);
    }

    @Test
    void stringsAreEscapedAndCannotCloseAScriptElement() {
        assertEquals("[\"q\\\"b\\\\n\\nt\\t\\u0001\\u003c/script\\u003e\\u0026\"]",
                new JsonWriter().beginArray().value("q\"b\\n\nt\t\u0001</script>&").endArray().toString());
    }
}
