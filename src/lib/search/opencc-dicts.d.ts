// opencc-js ships its dictionaries as modules of "from to|from to" strings without type declarations.
declare module 'opencc-js/dict/*' {
	const dict: string;
	export default dict;
}
