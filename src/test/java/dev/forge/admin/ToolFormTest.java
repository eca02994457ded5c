package dev.forge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.protocol.Json;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Input schemas as forms, and submitted forms as arguments: each kind of field, nesting, and the problems named. */
class ToolFormTest {

    static final String SCHEMA = """
            {"type":"object","required":["title","address"],"properties":{
              "title":{"type":"string","description":"What to call it"},
              "count":{"type":"integer","default":3},
              "ratio":{"type":["number","null"]},
              "urgent":{"type":"boolean"},
              "level":{"enum":[1,2,3]},
              "tags":{"type":"array","items":{"type":"string"}},
              "weights":{"type":"array","items":{"type":"number"}},
              "address":{"type":"object","required":["city"],"properties":{
                "city":{"type":"string"},
                "geo":{"type":"object","required":["lat"],"properties":{"lat":{"type":"number"},"lon":{"type":"number"}}}}},
              "rows":{"type":"array","items":{"type":"object","properties":{"a":{"type":"string"}}}},
              "either":{"anyOf":[{"type":"string"},{"type":"number"}]},
              "map":{"type":"object","additionalProperties":{"type":"string"}}
            }}""";

    static ToolForm form() {
        return ToolForm.of(Json.parse(SCHEMA));
    }

    static ToolForm.Reading read(Map<String, String> form) {
        return form().read(form::get);
    }

    @Test
    void eachPropertyGetsTheFieldItsSchemaCallsFor() {
        Map<String, ToolForm.Field> fields = new HashMap<>();
        form().fields().forEach(f -> fields.put(f.path(), f));
        assertThat(fields.get("title").kind()).isEqualTo(ToolForm.Kind.TEXT);
        assertThat(fields.get("title").required()).isTrue();
        assertThat(fields.get("title").description()).isEqualTo("What to call it");
        assertThat(fields.get("count").kind()).isEqualTo(ToolForm.Kind.INTEGER);
        assertThat(fields.get("count").value()).as("the default").isEqualTo("3");
        assertThat(fields.get("ratio").kind()).as("a nullable number").isEqualTo(ToolForm.Kind.NUMBER);
        assertThat(fields.get("urgent").kind()).isEqualTo(ToolForm.Kind.BOOLEAN);
        assertThat(fields.get("level").kind()).isEqualTo(ToolForm.Kind.CHOICE);
        assertThat(fields.get("level").choices()).extracting(ToolForm.Choice::label).containsExactly("1", "2", "3");
        assertThat(fields.get("tags").kind()).isEqualTo(ToolForm.Kind.LINES);
        assertThat(fields.get("weights").hint()).isEqualTo("one number a line");
        assertThat(fields.get("rows").kind()).as("objects in an array").isEqualTo(ToolForm.Kind.JSON);
        assertThat(fields.get("either").kind()).isEqualTo(ToolForm.Kind.JSON);
        assertThat(fields.get("map").kind()).isEqualTo(ToolForm.Kind.JSON);
        ToolForm.Field address = fields.get("address");
        assertThat(address.kind()).isEqualTo(ToolForm.Kind.OBJECT);
        assertThat(address.children()).extracting(ToolForm.Field::path).containsExactly("address.city", "address.geo");
        ToolForm.Field geo = address.children().get(1);
        assertThat(geo.kind()).isEqualTo(ToolForm.Kind.OBJECT);
        assertThat(geo.children()).extracting(ToolForm.Field::name).containsExactly("in/address/geo/lat", "in/address/geo/lon");
    }

    @Test
    void aFilledFormGivesTypedArgumentsAndLeavesOutWhatWasLeftEmpty() {
        Map<String, String> form = new HashMap<>();
        form.put("in/title", "A title");
        form.put("in/count", "7");
        form.put("in/urgent", "true");
        form.put("in/level", "1");
        form.put("in/tags", "red\n\ngreen\r\nblue");
        form.put("in/weights", "1.5\n 2 ");
        form.put("in/address/city", "Lyon");
        form.put("in/address/geo/lat", "");
        form.put("in/rows", "[{\"a\":\"x\"}]");
        form.put("in/map", "");
        ToolForm.Reading reading = read(form);
        assertThat(reading.problems()).isEmpty();
        assertThat(Json.text(reading.arguments())).isEqualTo("{\"title\":\"A title\",\"count\":7,\"urgent\":true,\"level\":2,"
                + "\"tags\":[\"red\",\"green\",\"blue\"],\"weights\":[1.5,2],\"address\":{\"city\":\"Lyon\"},\"rows\":[{\"a\":\"x\"}]}");
    }

    @Test
    void eachProblemNamesItsFieldAndARequiredOneLeftEmptyIsOne() {
        Map<String, String> form = new HashMap<>();
        form.put("in/count", "seven");
        form.put("in/weights", "1\nheavy");
        form.put("in/address/geo/lon", "4.8");
        form.put("in/rows", "[{");
        ToolForm.Reading reading = read(form);
        assertThat(reading.problems()).extracting(ToolForm.Problem::message).containsExactlyInAnyOrder(
                "“title” is required.",
                "“count” must be a whole number, not 'seven'.",
                "“weights”, line 2, must be a number, not 'heavy'.",
                "“address.city” is required.",
                "“address.geo.lat” is required.",
                "“rows” is not valid JSON: " + reading.problems().stream().filter(p -> p.name().equals("in/rows"))
                        .findFirst().orElseThrow().message().substring("“rows” is not valid JSON: ".length()));
        // an optional object left empty asks nothing of its required parts
        Map<String, String> lean = new HashMap<>(Map.of("in/title", "t", "in/address/city", "c"));
        assertThat(read(lean).problems()).isEmpty();
        assertThat(Json.text(read(lean).arguments())).isEqualTo("{\"title\":\"t\",\"urgent\":false,\"address\":{\"city\":\"c\"}}");
    }

    @Test
    void aSchemaWithoutPropertiesTakesNothingOrTheWholeArgumentsAsJson() {
        assertThat(ToolForm.of(Json.parse("{\"type\":\"object\",\"properties\":{}}")).takesNothing()).isTrue();
        assertThat(ToolForm.of(null).takesNothing()).isTrue();
        ToolForm open = ToolForm.of(Json.parse("{\"type\":\"object\",\"additionalProperties\":true}"));
        assertThat(open.fields()).singleElement().satisfies(f -> assertThat(f.kind()).isEqualTo(ToolForm.Kind.JSON));
        assertThat(Json.text(open.read(Map.of("in", "{\"x\":1}")::get).arguments())).isEqualTo("{\"x\":1}");
        assertThat(open.read(Map.of("in", "[1]")::get).problems()).extracting(ToolForm.Problem::message)
                .containsExactly("The arguments must be a JSON object.");
    }

    @Test
    void nestedObjectsRenderAsNestedFieldsetsWithTheSubmittedValuesAndProblems() {
        Map<String, String> form = Map.of("in/address/geo/lon", "4.8");
        ToolForm tool = form();
        Map<String, String> problems = new HashMap<>();
        tool.read(form::get).problems().forEach(p -> problems.put(p.name(), p.message()));
        StringOutput out = new StringOutput();
        TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);
        for (ToolForm.Field field : tool.fields(form::get, problems)) {
            engine.render("tool-field.jte", Map.of("field", field), out);
        }
        String html = out.toString();
        assertThat(html).contains("<fieldset class=\"nested\" data-field=\"address\">")
                .contains("<fieldset class=\"nested\" data-field=\"address.geo\">")
                .contains("name=\"in/address/geo/lon\" id=\"in/address/geo/lon\" step=\"any\" value=\"4.8\"")
                .contains("“address.geo.lat” is required.")
                .contains("<select name=\"in/level\" id=\"in/level\">");
        assertThat(List.of(html.split("<fieldset")).size() - 1).isEqualTo(2);
    }
}
