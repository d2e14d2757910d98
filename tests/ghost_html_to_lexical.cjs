// Converts HTML documents to Lexical the way Ghost itself does (its Admin API's `?source=html` import):
// with the real Ghost's own @tryghost/kg-html-to-lexical, found in the Ghost that scripts/ghost-server
// installed. Used by tests/fidelity_corpus.py to build Ghost documents from real HTML.
//
// Usage: node ghost_html_to_lexical.cjs PACKAGE_DIR < {"documents": ["<html>", ...]}
// Output: {"version": "x.y.z", "results": ["<lexical JSON>" or null when the converter throws, ...]}

const { readFileSync } = require( 'node:fs' );
const path = require( 'node:path' );

const packageDir = process.argv[ 2 ];
const { htmlToLexical } = require( packageDir );
const { version } = require( path.join( packageDir, 'package.json' ) );

const input = JSON.parse( readFileSync( 0, 'utf8' ) );
const results = input.documents.map( ( html ) => {
	try {
		return JSON.stringify( htmlToLexical( html ) );
	} catch {
		return null;
	}
} );
process.stdout.write( JSON.stringify( { version, results } ) );
