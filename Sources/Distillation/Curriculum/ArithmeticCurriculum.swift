/// Arithmetic questions worded in many ways, and short word problems, with exact
/// whole-number answers. The wordings are the curriculum's own: none is a template of
/// the planner's evaluation sets (a test checks that no question repeats one of theirs).
enum ArithmeticCurriculum {
    /// A wording: its name and the question it makes from two operands.
    typealias Wording = (name: String, text: @Sendable (Int, Int) -> String)

    static let sums: [Wording] = [
        ("sum-add", { "Please add \($0) to \($1)." }),
        ("sum-total", { "I have \($0) stamps and buy \($1) more. How many stamps do I have?" }),
        ("sum-plus-equals", { "\($0) plus \($1) equals what?" }),
        ("sum-combined", { "Two warehouses hold \($0) and \($1) boxes. How many boxes altogether?" }),
        ("sum-compute", { "Compute \($0)+\($1) for me." }),
        ("sum-increase", { "A town of \($0) people grew by \($1). What is its population now?" }),
    ]
    static let differences: [Wording] = [
        ("difference-minus", { "What do you get from \($0) minus \($1)?" }),
        ("difference-left", { "A tank holds \($0) litres and \($1) litres leak out. How many litres remain?" }),
        ("difference-subtract", { "Take \($1) away from \($0), please." }),
        ("difference-gap", { "How much bigger is \($0) than \($1)?" }),
        ("difference-spend", { "I had \($0) dollars and spent \($1). How many dollars do I have left?" }),
    ]
    static let products: [Wording] = [
        ("product-times", { "How much is \($0) times \($1)?" }),
        ("product-rows", { "A hall has \($0) rows of \($1) seats. How many seats is that?" }),
        ("product-crates", { "Each crate holds \($1) bottles. How many bottles are in \($0) crates?" }),
        ("product-star", { "Work out \($0)*\($1)." }),
        ("product-price", { "One ticket costs \($1) euros. What do \($0) tickets cost?" }),
        ("product-speed", { "A train runs at \($1) km per hour for \($0) hours. How far does it go?" }),
    ]
    static let quotients: [Wording] = [
        ("quotient-divided", { "What is \($0) divided by \($1)?" }),
        ("quotient-share", { "\($0) marbles are shared equally among \($1) children. How many does each child get?" }),
        ("quotient-slash", { "Calculate \($0) / \($1)." }),
        ("quotient-groups", { "How many teams of \($1) can be made from \($0) players?" }),
        ("quotient-per-day", { "A printer makes \($0) pages in \($1) days at a steady rate. How many pages per day?" }),
    ]
    static let percentages: [Wording] = [
        ("percent-of", { "Find \($1)% of \($0)." }),
        ("percent-discount", { "A coat costs \($0) dollars. How many dollars is a \($1)% discount on it?" }),
        ("percent-survey", { "In a class of \($0) students, \($1) percent walk to school. How many students walk?" }),
        ("percent-tax", { "What is a \($1) percent tax on \($0) pounds, in pounds?" }),
    ]

    /// `count` arithmetic questions.
    static func arithmetic(count: Int, random: inout CurriculumRandom) -> [CurriculumItem] {
        (0..<count).map { index in
            let (wording, operands, answer) = question(family: index % 5, random: &random)
            return CurriculumItem(
                id: "arithmetic-\(index)", kind: .arithmetic, template: wording.name,
                question: wording.text(operands.0, operands.1), expected: .number(value: String(answer)))
        }
    }

    /// A wording of family `family` (sum, difference, product, quotient, percentage),
    /// its operands and the exact answer.
    static func question(family: Int, random: inout CurriculumRandom) -> (Wording, (Int, Int), Int) {
        switch family {
        case 0:
            let (a, b) = (random.int(2...9_999), random.int(2...9_999))
            return (random.pick(sums), (a, b), a + b)
        case 1:
            let b = random.int(2...5_000)
            let a = b + random.int(1...5_000)
            return (random.pick(differences), (a, b), a - b)
        case 2:
            let (a, b) = (random.int(2...999), random.int(2...99))
            return (random.pick(products), (a, b), a * b)
        case 3:
            let (quotient, divisor) = (random.int(2...500), random.int(2...60))
            return (random.pick(quotients), (quotient * divisor, divisor), quotient)
        default:
            // Percentages that come out whole: the base a multiple of 100 / gcd.
            let percent = random.pick([5, 10, 12, 15, 20, 25, 30, 40, 50, 60, 75, 80, 90])
            let base = random.int(1...120) * (100 / gcd(percent, 100))
            return (random.pick(percentages), (base, percent), base * percent / 100)
        }
    }

    /// Word problems of one or two steps: (name, question, answer) from drawn numbers.
    static func wordProblems(count: Int, random: inout CurriculumRandom) -> [CurriculumItem] {
        (0..<count).map { index in
            let (name, question, answer) = wordProblem(index % 6, random: &random)
            return CurriculumItem(id: "word-problem-\(index)", kind: .wordProblem, template: name, question: question, expected: .number(value: String(answer)))
        }
    }

    static func wordProblem(_ template: Int, random: inout CurriculumRandom) -> (String, String, Int) {
        switch template {
        case 0:
            let (shelves, books, removed) = (random.int(3...40), random.int(10...80), random.int(1...9))
            return ("word-shelves", "A library has \(shelves) shelves with \(books) books each. \(removed) books are lent out. How many books are still on the shelves?", shelves * books - removed)
        case 1:
            let (price, count) = (random.int(2...30), random.int(2...12))
            let note = price * count + random.int(1...50)
            return ("word-change", "Pens cost \(price) dollars each. Sam buys \(count) pens and pays with \(note) dollars. How much change does Sam get?", note - price * count)
        case 2:
            let (morning, afternoon, days) = (random.int(5...60), random.int(5...60), random.int(2...14))
            return ("word-laps", "Mia swims \(morning) laps in the morning and \(afternoon) in the afternoon, every day for \(days) days. How many laps does she swim?", (morning + afternoon) * days)
        case 3:
            let (boxes, each, broken) = (random.int(3...50), random.int(6...24), random.int(1...20))
            return ("word-eggs", "A farm packs \(boxes) boxes of \(each) eggs, then finds \(broken) broken eggs and throws them away. How many eggs are left?", boxes * each - broken)
        case 4:
            let (people, share) = (random.int(2...12), random.int(3...90))
            return ("word-bill", "A dinner bill of \(people * share) dollars is split evenly between \(people) friends. How much does each pay?", share)
        default:
            let (start, sold, delivered) = (random.int(100...900), random.int(10...99), random.int(10...99))
            return ("word-stock", "A shop starts the day with \(start) apples, sells \(sold) and then receives a delivery of \(delivered). How many apples does it have at closing?", start - sold + delivered)
        }
    }

    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}
