import Testing
@testable import AgentTools

/// Tables read as one line per row, cells labelled by their column headers.
struct HTMLTableTextTests {
    func text(_ html: String) -> String { HTMLText(html: html).text }

    @Test("a header row labels the cells of every row below it")
    func headerRow() {
        let html = """
            <p>Towns of the valley.</p>
            <table><caption>Towns</caption>
            <tr><th>Town</th><th>Population</th><th>Founded</th><th>Bridges</th></tr>
            <tr><td>Corvel</td><td>653,148</td><td>1442</td><td>95</td></tr>
            <tr><td><a href="/lindau">Lindau</a></td><td>12,400</td><td></td><td>3</td></tr>
            </table><p>After.</p>
            """
        #expect(text(html) == """
            Towns of the valley.
            Towns
            Town: Corvel; Population: 653,148; Founded: 1442; Bridges: 95
            Town: Lindau; Population: 12,400; Bridges: 3
            After.
            """)
    }

    @Test("header cells in thead, even written as td; paragraphs inside a cell read as spaces")
    func tableHead() {
        let html = """
            <table><thead><tr><td>Name</td><td>Height</td></tr></thead>
            <tbody><tr><td><p>Mount</p><p>Ash</p></td><td><div>2,310 m</div></td></tr></tbody></table>
            """
        #expect(text(html) == "Name: Mount Ash; Height: 2,310 m")
    }

    @Test("an infobox: a header cell first in each row labels that row")
    func infobox() {
        let html = "<table><tr><th>Mayor</th><td>Tom Baker</td></tr><tr><th>Population</th><td>653,148</td></tr></table>"
        #expect(text(html) == "Mayor: Tom Baker\nPopulation: 653,148")
    }

    @Test("without headers, or with rows of another width, cells are separated by ' | '")
    func plainRows() {
        #expect(text("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td></td><td>d</td></tr></table>") == "a | b\nc | d")
        #expect(text("<table><tr><th>A</th><th>B</th></tr><tr><td colspan=2>wide</td></tr><tr><td>1</td><td>2</td></tr></table>")
            == "A | B\nwide\nA: 1; B: 2")
        #expect(text("<table><tr><th>Only</th><th>Headers</th></tr></table><p>x</p>") == "Only | Headers\nx")
        #expect(text("<table><tr><td>x<td>y<tr><td>z") == "x | y\nz")
    }

    @Test("a layout table keeps its headings, lists and nested tables on their own lines")
    func layoutTable() {
        let html = """
            <table><tr><td><h1>Corvel</h1><p>A town.</p></td><td><ul><li>One</li><li>Two</li></ul></td></tr></table>
            """
        #expect(text(html) == "# Corvel\nA town.\n- One\n- Two")
        let nested = "<table><tr><td>Side</td><td><table><tr><th>K</th><th>V</th></tr><tr><td>a</td><td>1</td></tr></table></td></tr></table>"
        #expect(text(nested) == "Side\nK: a; V: 1")
    }

    @Test("a definition list reads as term: description")
    func definitionList() {
        #expect(text("<dl><dt>Population</dt> <dd>653,148</dd><dt>Mayor:</dt><dd>Tom Baker</dd><dd>Ann Holt</dd></dl><p>x</p>")
            == "Population: 653,148\nMayor: Tom Baker\nAnn Holt\nx")
        #expect(text("<dt>Alone</dt><p>y</p><dd>later</dd>") == "Alone\ny\nlater")
    }

    @Test("tables inside navigation stay dropped")
    func navigation() {
        #expect(text("<nav><table><tr><td>Home</td><td>About</td></tr></table></nav><p>Body</p>") == "Body")
    }
}
