//! Numbers as exports write them: `12.5`, `-3`, `1,234.56`, `$12.50`, `¥1 200`,
//! `12,50` (a decimal comma), `1e3`. Not numbers: `NaN`, `Infinity`, text.

/// Parses a money or quantity cell; `None` when it is not a finite number.
pub fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim();
    if let Ok(v) = t.parse::<f64>() {
        return v.is_finite().then_some(v);
    }
    let t = t.trim_start_matches(['$', '€', '£', '¥', '￥']).trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (
            true,
            rest.trim_start_matches(['$', '€', '£', '¥', '￥']).trim(),
        ),
        None => (false, t),
    };
    let t: String = t.chars().filter(|c| *c != ' ' && *c != '\u{a0}').collect();
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b',' || b == b'.')
    {
        return None;
    }
    let normalized = match (t.contains(','), t.contains('.')) {
        // 1,234.56: commas group thousands.
        (true, true) if t.rfind(',') < t.rfind('.') => t.replace(',', ""),
        // 1.234,56: dots group thousands, the comma is decimal.
        (true, true) => t.replace('.', "").replace(',', "."),
        // 1,234 or 1,234,567 group thousands; 12,5 or 12,50 is a decimal comma.
        (true, false) => {
            let groups: Vec<&str> = t.split(',').collect();
            if groups.len() > 1 && groups[1..].iter().all(|g| g.len() == 3) && !groups[0].is_empty()
            {
                t.replace(',', "")
            } else if groups.len() == 2 {
                t.replace(',', ".")
            } else {
                return None;
            }
        }
        _ => t,
    };
    let v: f64 = normalized.parse().ok()?;
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::parse_number;

    #[test]
    fn forms() {
        assert_eq!(parse_number("12.5"), Some(12.5));
        assert_eq!(parse_number(" -3 "), Some(-3.0));
        assert_eq!(parse_number("1e3"), Some(1000.0));
        assert_eq!(parse_number("1,234.56"), Some(1234.56));
        assert_eq!(parse_number("1.234,56"), Some(1234.56));
        assert_eq!(parse_number("12,50"), Some(12.5));
        assert_eq!(parse_number("1,234,567"), Some(1_234_567.0));
        assert_eq!(parse_number("$12.50"), Some(12.5));
        assert_eq!(parse_number("-$12.50"), Some(-12.5));
        assert_eq!(parse_number("¥1 200"), Some(1200.0));
    }

    #[test]
    fn not_numbers() {
        for bad in [
            "", "NaN", "nan", "Infinity", "-inf", "abc", "12a", "1,2,3", "=1+1",
        ] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }
}
