/** Chinese numerals as used in policy numbering (一、二十三、一百零五). */
const digits = '零一二三四五六七八九';

export function toChineseNumeral(n: number): string {
	if (!Number.isInteger(n) || n < 1 || n > 9999) throw new RangeError(`cannot write ${n} as a Chinese numeral`);
	const units = ['', '十', '百', '千'];
	const ds = String(n).split('').map(Number);
	let out = '';
	let zero = false;
	ds.forEach((d, i) => {
		const unit = units[ds.length - 1 - i]!;
		if (d === 0) {
			zero = out !== '';
			return;
		}
		if (zero) out += '零';
		zero = false;
		// 10–19 are written 十, 十一 … not 一十一.
		out += d === 1 && unit === '十' && out === '' ? unit : digits[d]! + unit;
	});
	return out;
}

export function parseChineseNumeral(text: string): number | undefined {
	if (!/^[零〇一二三四五六七八九十百千两兩]+$/.test(text)) return undefined;
	const value = (ch: string) => (ch === '两' || ch === '兩' ? 2 : ch === '〇' ? 0 : digits.indexOf(ch));
	const unitValue: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
	let total = 0;
	let current = 0;
	for (const ch of text) {
		if (ch in unitValue) {
			total += (current || 1) * unitValue[ch]!;
			current = 0;
		} else current = value(ch);
	}
	const n = total + current;
	return n > 0 ? n : undefined;
}
