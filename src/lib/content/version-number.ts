/** Version numbers MAJOR.MINOR compare as numbers: `1.10` comes after `1.9`. */
export function compareVersions(a: string, b: string): number {
	const [am, an] = a.split('.').map(Number);
	const [bm, bn] = b.split('.').map(Number);
	return am! - bm! || an! - bn!;
}
