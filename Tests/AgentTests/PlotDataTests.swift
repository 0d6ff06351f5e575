import Testing
@testable import Agent

/// The numbers and labels a plotting question lists, and the check of code against them.
struct PlotDataTests {
    static let fruit = "Make a bar chart of fruit sales: apples 20, pears 35, plums 12."

    @Test func numbersWithNamesBeforeOrAfterThem() {
        #expect(PlotDataCheck.numbers(inQuestion: Self.fruit) == [20, 35, 12])
        #expect(PlotDataCheck.labels(inQuestion: Self.fruit) == ["apples", "pears", "plums"])
        let after = "Plot 20 for apples, 35 for pears and 12 for plums."
        #expect(PlotDataCheck.numbers(inQuestion: after) == [20, 35, 12])
        #expect(PlotDataCheck.labels(inQuestion: after) == ["apples", "pears", "plums"])
        let units = "Rainfall was 12.5 mm in January, 20 mm in February and 7.5 mm in March. Plot it."
        #expect(PlotDataCheck.numbers(inQuestion: units) == [12.5, 20, 7.5])
        #expect(PlotDataCheck.labels(inQuestion: units) == ["January", "February", "March"])
        let names = "Tom scored 85, Ann scored 90 and Lee scored 78. Draw a bar chart."
        #expect(PlotDataCheck.numbers(inQuestion: names) == [85, 90, 78])
        #expect(PlotDataCheck.labels(inQuestion: names) == ["Tom", "Ann", "Lee"])
        let words = "Plot the cities: New York 85, Boston 7, Chicago 27."
        #expect(PlotDataCheck.labels(inQuestion: words) == ["New York", "Boston", "Chicago"])
        #expect(PlotDataCheck.labels(inQuestion: "Plot 20 apples, 35 pears.") == ["apples", "pears"])
    }

    @Test func listsAndPointsHaveNoNames() {
        #expect(PlotDataCheck.numbers(inQuestion: "Draw a line chart of 3, 8, 5, 10.") == [3, 8, 5, 10])
        #expect(PlotDataCheck.labels(inQuestion: "Plot the values 3, 8, 5, 10.") == [])
        #expect(PlotDataCheck.numbers(inQuestion: "Plot the points (1, 4), (2, 9), (3, 16).") == [1, 4, 2, 9, 3, 16])
        #expect(PlotDataCheck.labels(inQuestion: "Plot the points (1, 4), (2, 9), (3, 16).") == [])
        #expect(PlotDataCheck.numbers(inQuestion: "Temperatures: Mon -5, Tue 3, Wed -2.") == [-5, 3, -2])
    }

    @Test func thousandsSeparatorsOnlyWhereTheyCanBeOne() {
        #expect(PlotDataCheck.numbers(inQuestion: "Plot 3,8,5 as a line.") == [3, 8, 5])
        #expect(PlotDataCheck.numbers(inQuestion: "Revenue: 1,250 in Q1, 3,400 in Q2.") == [1250, 3400])
        #expect(PlotDataCheck.labels(inQuestion: "Revenue: 1,250 in Q1, 3,400 in Q2.") == ["Q1", "Q2"])
        #expect(PlotDataCheck.numbers(inQuestion: "Plot 100,200,300 as bars.") == [100, 200, 300])
        #expect(PlotDataCheck.numbers(inQuestion: "Population 1,250,000 and 12,500.") == [1_250_000, 12_500])
    }

    @Test func countsYearsAndSizesAreNotData() {
        let seasons = "Plot a pie chart of the 4 seasons: spring 20, summer 35, autumn 25, winter 20."
        #expect(PlotDataCheck.numbers(inQuestion: seasons) == [20, 35, 25, 20])
        #expect(PlotDataCheck.labels(inQuestion: seasons) == ["spring", "summer", "autumn", "winter"])
        let cities = "Show the population of 3 cities in 2020: New York 85, Boston 7, Chicago 27."
        #expect(PlotDataCheck.numbers(inQuestion: cities) == [85, 7, 27])
        let years = "Plot sales per year, 2019: 40, 2020: 55, 2021: 61."
        #expect(PlotDataCheck.numbers(inQuestion: years) == [40, 55, 61])
        #expect(PlotDataCheck.numbers(inQuestion: "Make the figure 8 by 4 inches and plot 3, 8, 5.") == [3, 8, 5])
        #expect(PlotDataCheck.numbers(inQuestion: "Plot the 3rd and 4th values: 7, 9.") == [7, 9])
    }

    @Test func functionsHaveNoData() {
        let question = "Plot y = sin(x) for x from 0 to 2*pi."
        #expect(PlotDataCheck.numbers(inQuestion: question) == [])
        let check = PlotDataCheck(question: question)
        #expect(check.problem(code: "x = np.linspace(0, 2 * pi, 100)\nplt.plot(x, sin(x))") == nil)
        #expect(PlotDataCheck.numbers(inQuestion: "Draw the parabola x^2 between -3 and 3.") == [])
    }

    @Test func codeWithTheQuestionsDataPasses() {
        let check = PlotDataCheck(question: Self.fruit)
        let code = """
            import matplotlib.pyplot as plt
            fruits = ['apples', 'pears', 'plums']
            sales = [20, 35, 12]  # 99 in a comment does not count
            width = 0.35
            plt.figure(figsize=(8, 5), dpi=150)
            plt.bar(fruits, sales, width, color="green", alpha=0.7)
            plt.xticks(rotation=45, fontsize=14)
            plt.ylim(0, 40)
            plt.title("Sales in 2024")
            plt.show()
            """
        #expect(check.problem(code: code) == nil)
        #expect(check.problem(code: "data = {'apples': 20, 'pears': 35, 'plums': 12}\nplt.bar(data.keys(), data.values())") == nil)
        #expect(check.problem(code: "apples = 20\npears = 35\nplums = 12\nplt.bar(['apples', 'pears', 'plums'], [apples, pears, plums])") == nil)
    }

    @Test func inventedOrMissingNumbersAreNamed() {
        let check = PlotDataCheck(question: Self.fruit)
        #expect(check.problem(code: "plt.bar(['apples', 'pears', 'plums'], [20, 35, 16])")
            == "the data must be the question's numbers: 20, 35, 12 (the code has 20, 35, 16)")
        #expect(check.problem(code: "plt.bar(['apples', 'pears'], [20, 35])")
            == "the data must be the question's numbers: 20, 35, 12 (the code lacks 12)")
        #expect(check.problem(code: "plt.bar(['a', 'b', 'c'], [20, 35, 12, 40.5])") != nil)
        let temperatures = PlotDataCheck(question: "Temperatures: Mon -5, Tue 3, Wed -2.")
        #expect(temperatures.problem(code: "plt.plot([-5, 3, -2])") == nil)
        #expect(temperatures.problem(code: "plt.plot([5, 3, 2])") == "the data must be the question's numbers: -5, 3, -2 (the code lacks -5, -2)")
    }

    @Test func percentagesRangesAndYears() {
        let shares = PlotDataCheck(question: "Browser share: Chrome 65%, Safari 19%, Edge 16%.")
        #expect(shares.problem(code: "plt.pie([65, 19, 16], labels=['Chrome', 'Safari', 'Edge'])") == nil)
        #expect(shares.problem(code: "plt.pie([0.65, 0.19, 0.16], labels=['Chrome', 'Safari', 'Edge'])") == nil)
        let years = PlotDataCheck(question: "Plot sales per year, 2019: 40, 2020: 55, 2021: 61.")
        #expect(years.problem(code: "plt.plot(list(range(2019, 2022)), [40, 55, 61])") == nil)
        #expect(years.problem(code: "plt.plot([2019, 2020, 2021], [40, 55, 61])") == nil)
        #expect(years.problem(code: "plt.plot([2019, 2020, 2023], [40, 55, 61])") != nil)
    }

    @Test func bareLabelsAreReported() {
        let names = PlotDataCheck(question: "Tom scored 85, Ann scored 90 and Lee scored 78. Draw a bar chart.")
        #expect(names.problem(code: "x = [Tom, Ann, Lee]\ny = [85, 90, 78]\nplt.bar(x, y)")
            == "labels must be quoted strings: \"Tom\", \"Ann\", \"Lee\"")
        #expect(names.problem(code: "x = ['Tom', 'Ann', 'Lee']\ny = [85, 90, 78]\nplt.bar(x, y)") == nil)
        let cities = PlotDataCheck(question: "Plot the cities: New York 85, Boston 7, Chicago 27.")
        #expect(cities.problem(code: "plt.bar(['New York', Boston, 'Chicago'], [85, 7, 27])") == "labels must be quoted strings: \"Boston\"")
        #expect(cities.problem(code: "plt.bar([New York, 'Boston', 'Chicago'], [85, 7, 27])") == "labels must be quoted strings: \"New York\"")
        #expect(cities.problem(code: "for city in ['New York', 'Boston']:\n    print(city.Boston)") == "the data must be the question's numbers: 85, 7, 27 (the code lacks 85, 7, 27)")
    }

    @Test func commonCodeIdiomsAreNotInventedData() {
        let check = PlotDataCheck(question: Self.fruit)
        let grouped = """
            x = np.arange(3)
            sales = [20, 35, 12]
            plt.bar(x - 0.2, sales, 0.4)
            shares = [v / sum(sales) * 100 for v in sales]
            plt.plot(x, sales[::-1])
            """
        #expect(check.problem(code: grouped) == nil)
        let points = PlotDataCheck(question: "Plot the points (1, 4), (2, 9), (3, 16).")
        #expect(points.problem(code: "x = range(1, 4)\ny = [4, 9, 16]\nplt.plot(x, y)") == nil)
        let fractions = PlotDataCheck(question: "Plot the ratios 0.25, 0.4 and 0.35.")
        #expect(fractions.problem(code: "plt.bar(range(3), [0.25, 0.4, 0.3])") != nil)
    }

    @Test func countedThingsWithANameAreData() {
        let cakes = "We sold 40 cakes on Monday, 55 cakes on Tuesday and 61 cakes on Friday."
        #expect(PlotDataCheck.numbers(inQuestion: cakes) == [40, 55, 61])
        #expect(PlotDataCheck.labels(inQuestion: cakes) == ["Monday", "Tuesday", "Friday"])
        let money = PlotDataCheck(question: "Revenue was 1.5 million in 2022 and 2 million in 2023.")
        #expect(money.numbers == [1.5, 2])
        #expect(money.problem(code: "plt.bar(['2022', '2023'], [1500000, 2000000])") == nil)
    }
}
