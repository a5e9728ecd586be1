declare namespace App {
	interface Locals {
		/**
		 * Set by a page before it renders chapter MDX; read by the policy
		 * components (src/components/mdx/*) rendered inside it.
		 */
		policy?: {
			/** Section and clause id → displayed number (unnumbered clauses are absent). */
			numbers: Record<string, string>;
			/** The section or clause after which the source breaks off, if it does. */
			sourceEndsAfter?: string;
			/** The page URL a clause permalink is made from. */
			chapterUrl?: string;
		};
		/** Set by the server (src/server/app.ts) for on-demand routes: the store, the config and who is asking. */
		zhidu?: import('./server/app.ts').ZhiduLocals;
	}
}
