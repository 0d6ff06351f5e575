import Foundation
import Testing
@testable import Inference

/// The Jinja interpreter's rules, one at a time (the expected texts are what jinja2
/// prints with `trim_blocks` and `lstrip_blocks`, as transformers renders).
struct JinjaTemplateTests {
    func render(_ source: String, _ variables: [String: JinjaValue] = [:]) throws -> String {
        try JinjaTemplate(source).render(variables, now: Date(timeIntervalSince1970: 1_764_720_000))
    }

    @Test func whitespaceControl() throws {
        // trim_blocks drops the newline after a block tag; lstrip_blocks the indentation before it.
        #expect(try render("{% if true %}\n  yes\n  {% endif %}\nend") == "  yes\nend")
        #expect(try render("a  {{- 'b' -}}  c") == "abc")
        #expect(try render("a\n  {%+ if true %}x{% endif %}") == "a\n  x")
        #expect(try render("{% if true +%}\nx{% endif %}") == "\nx")
        #expect(try render("{# note #}\nx") == "x")
        #expect(try render("{% raw %}{{ kept }}{% endraw %}") == "{{ kept }}")
        // After a tag whose newline was trimmed the next line's indentation counts as a line start.
        #expect(try render("{% if true %}\n    {% if true %}x{% endif %}\n{% endif %}") == "x")
    }

    @Test func loopsAndControls() throws {
        let items: JinjaValue = .list([.string("a"), .string("b"), .string("c")])
        #expect(try render("{% for x in items %}{{ loop.index }}{{ x }}{% if not loop.last %},{% endif %}{% endfor %}", ["items": items]) == "1a,2b,3c")
        #expect(try render("{% for x in items %}{% if x == 'b' %}{% continue %}{% endif %}{% if x == 'c' %}{% break %}{% endif %}{{ x }}{% endfor %}", ["items": items]) == "a")
        #expect(try render("{% for x in items if x != 'a' %}{{ loop.length }}{{ x }}{% endfor %}", ["items": items]) == "2b2c")
        #expect(try render("{% for x in [] %}x{% else %}empty{% endfor %}") == "empty")
        #expect(try render("{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }};{% endfor %}") == "a=1;b=2;")
        #expect(try render("{% for x in items %}{{ loop.previtem | default('^') }}{{ loop.cycle('+', '-') }}{% endfor %}", ["items": items]) == "^+a-b+")
    }

    @Test func namespacesMacrosAndCalls() throws {
        #expect(try render("{% set ns = namespace(n=0) %}{% for i in range(4) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}") == "6")
        // A plain `set` inside a loop does not leak out of it.
        #expect(try render("{% set n = 1 %}{% for i in [5] %}{% set n = i %}{% endfor %}{{ n }}") == "1")
        #expect(try render("{% macro greet(name, mark='!') %}hi {{ name }}{{ mark }}{% endmacro %}{{ greet('Ann') }} {{ greet('Bo', mark='?') }}") == "hi Ann! hi Bo?")
        #expect(try render("{% macro box() %}[{{ caller() }}]{% endmacro %}{% call box() %}in{% endcall %}") == "[in]")
        #expect(try render("{% set block %}x{{ 1 + 1 }}{% endset %}{{ block }}") == "x2")
        #expect(try render("{% filter upper %}shout{% endfilter %}") == "SHOUT")
    }

    @Test func expressionsFollowPython() throws {
        #expect(try render("{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 / 2 }} {{ 2 ** 10 }} {{ 1.0 }}") == "3 -4 1 2 3.5 1024 1.0")
        #expect(try render("{{ 'a' ~ 1 ~ none }} {{ 'ab' * 2 }} {{ [1] + [2] }} {{ 'x' in 'xyz' }} {{ 3 not in [1, 2] }}") == "a1None abab [1, 2] True True")
        #expect(try render("{{ 'yes' if 1 < 2 else 'no' }} {{ none or 'fallback' }} {{ 0 and 1 }}") == "yes fallback 0")
        #expect(try render("{{ {'a': 'b', 'c': [1, none, true]} }}") == "{'a': 'b', 'c': [1, None, True]}")
        #expect(try render("{{ \"it's\" }} {{ ['it\\'s'] }}") == "it's [\"it's\"]")
        #expect(try render("{{ 'abcdef'[1:4] }} {{ 'abc'[::-1] }} {{ [1, 2, 3][-1] }} {{ [1, 2, 3][:-1] }}") == "bcd cba 3 [1, 2]")
    }

    @Test func filtersAndTests() throws {
        let tool: JinjaValue = try JinjaValue(json: #"{"name": "f", "args": {"x": 1.5, "s": "é\n"}}"#)
        #expect(try render("{{ tool | tojson }}", ["tool": tool]) == #"{"name": "f", "args": {"x": 1.5, "s": "é\n"}}"#)
        #expect(try render("{{ tool | tojson(indent=2) }}", ["tool": tool]) == "{\n  \"name\": \"f\",\n  \"args\": {\n    \"x\": 1.5,\n    \"s\": \"é\\n\"\n  }\n}")
        #expect(try render("{{ tool | tojson(separators=(',', ':')) }}", ["tool": tool]) == #"{"name":"f","args":{"x":1.5,"s":"é\n"}}"#)
        #expect(try render("{{ '  x ' | trim }}|{{ [3, 1, 2] | sort | join(',') }}|{{ 'ab' | upper }}|{{ [1, 2] | length }}") == "x|1,2,3|AB|2")
        #expect(try render("{{ missing | default('d') }} {{ '' | default('e', true) }} {{ missing is defined }} {{ none is none }}") == "d e False True")
        let people: JinjaValue = try JinjaValue(json: #"[{"n": "a", "ok": true}, {"n": "b", "ok": false}]"#)
        #expect(try render("{{ people | selectattr('ok') | map(attribute='n') | list }} {{ people | rejectattr('ok') | map(attribute='n') | join }}", ["people": people]) == "['a'] b")
        #expect(try render("{{ 'a,b,,c'.split(',') }} {{ ' a  b '.split() }} {{ 'x'.startswith(('y', 'x')) }} {{ 'Hello World'.lower().replace('o', '0') }}") == "['a', 'b', '', 'c'] ['a', 'b'] True hell0 w0rld")
        #expect(try render("{{ 4 is even }} {{ 9 is divisibleby 3 }} {{ 'x' is string }} {{ {} is mapping }} {{ [1] is sequence }}") == "True True True True True")
    }

    @Test func globals() throws {
        #expect(try render("{{ strftime_now('%d %b %Y') }}") == "03 Dec 2025")
        #expect(try render("{{ range(3) | list }} {{ dict(a=1) }}") == "[0, 1, 2] {'a': 1}")
        #expect(throws: JinjaError.raised("roles must alternate")) { try render("{{ raise_exception('roles must alternate') }}") }
    }

    @Test func errorsNameTheLine() throws {
        #expect(throws: JinjaError.syntax("the statement opened here is never closed with %}", line: 2)) { try render("a\n{% if x ") }
        #expect(throws: JinjaError.syntax("the template ends before {% elif / else / endif %}", line: 1)) { try render("{% if x %}a") }
        #expect(throws: JinjaError.unsupported("{% include %}", line: 3)) { try render("\n\n{% include 'x' %}") }
        #expect(throws: JinjaError.render("'x' is undefined (reading .y)", line: 1)) { try render("{{ x.y }}") }
        #expect(throws: JinjaError.render("unsupported operand types for +: 'str' and 'int'", line: 2)) { try render("\n{{ 'a' + 1 }}") }
        let error = JinjaError.unsupported("{% include %}", line: 3)
        #expect(error.description == "template line 3 uses {% include %}, which Ponder's Jinja interpreter does not support")
    }

    @Test func jsonReaderKeepsOrderAndTypes() throws {
        let value = try JinjaValue(json: #"{"z": 1, "a": 2.0, "m": [true, null, "\u00e9\ud83d\ude42"]}"#)
        #expect(value.pythonRepr == "{'z': 1, 'a': 2.0, 'm': [True, None, 'é🙂']}")
        #expect(throws: JinjaJSONReadError.self) { try JinjaValue(json: "{\"a\": }") }
    }
}
