// Opens markup the way the block editor does and reports whether each block is valid.
//
// Input (stdin): JSON {"documents": ["<markup>", ...]}.
// Output (stdout): JSON {"versions": {...}, "results": [{"blocks": [block, ...], "reserialized": "..."}]},
// one result per document, where a block is {"name", "isValid", "issues": [string], "innerBlocks": [...]}
// and "reserialized" is the editor's serialize() of what it parsed (what the editor would save).
//
// The editor's own code does the work: @wordpress/blocks parse() (which runs each block type's save() and
// compares it with the saved HTML, trying deprecations) with @wordpress/block-library's core blocks
// registered, all under jsdom. One process handles a whole batch, so the start-up cost is paid once.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { format } from 'node:util';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><head></head><body></body></html>', {
	url: 'http://localhost/',
	pretendToBeVisual: true,
} );
const { window } = dom;

// Browser globals that the editor packages touch when they are imported.
const browserGlobals = [
	'window', 'document', 'navigator', 'Node', 'Element', 'HTMLElement', 'DocumentFragment', 'DOMParser',
	'MutationObserver', 'getComputedStyle', 'CustomEvent', 'Event', 'KeyboardEvent', 'MouseEvent',
	'Range', 'Selection', 'Text', 'Comment', 'NodeFilter', 'HTMLIFrameElement', 'localStorage',
	'sessionStorage', 'location', 'XMLSerializer', 'FileReader', 'Blob', 'File',
];
for ( const name of browserGlobals ) {
	if ( ! ( name in globalThis ) || globalThis[ name ] === undefined ) {
		try {
			Object.defineProperty( globalThis, name, {
				value: name === 'window' ? window : window[ name ],
				configurable: true,
				writable: true,
			} );
		} catch {
			// a read-only global that Node already provides: keep Node's
		}
	}
}
const noop = () => {};
window.matchMedia ??= () => ( {
	matches: false, media: '', onchange: null, addListener: noop, removeListener: noop,
	addEventListener: noop, removeEventListener: noop, dispatchEvent: () => false,
} );
globalThis.matchMedia = window.matchMedia;
globalThis.requestAnimationFrame ??= ( cb ) => setTimeout( () => cb( Date.now() ), 0 );
globalThis.cancelAnimationFrame ??= ( id ) => clearTimeout( id );
window.requestAnimationFrame ??= globalThis.requestAnimationFrame;
window.cancelAnimationFrame ??= globalThis.cancelAnimationFrame;
globalThis.ResizeObserver ??= class { observe() {} unobserve() {} disconnect() {} };
window.ResizeObserver ??= globalThis.ResizeObserver;
globalThis.IntersectionObserver ??= class { observe() {} unobserve() {} disconnect() {} };
window.IntersectionObserver ??= globalThis.IntersectionObserver;
// core/freeform needs the classic editor's helpers; removep/autop identity is what the editor uses when
// TinyMCE is absent.
window.wp = { oldEditor: { autop: ( s ) => s, removep: ( s ) => s } };

// The validator also logs every failure; the issues are reported per block instead, and stdout carries
// only the JSON result.
console.error = noop;
console.warn = noop;
console.info = noop;
console.log = noop;

const require = createRequire( import.meta.url );
// The CommonJS builds: the ES module builds import JSON without import attributes, which Node refuses.
const blocks = require( '@wordpress/blocks' );
const library = require( '@wordpress/block-library' );
library.registerCoreBlocks();
if ( blocks.getBlockType( 'core/freeform' ) ) {
	blocks.setFreeformContentHandlerName( 'core/freeform' );
}

function describe( block, issuesByClientId ) {
	const own = issuesByClientId.get( block.clientId ) ?? [];
	return {
		name: block.name,
		isValid: block.isValid !== false,
		issues: own,
		innerBlocks: ( block.innerBlocks ?? [] ).map( ( inner ) => describe( inner, issuesByClientId ) ),
	};
}

function formatIssue( issue ) {
	if ( ! issue || ! Array.isArray( issue.args ) ) {
		return String( issue );
	}
	// Issues are printf-style: the first argument is the template. Block types are shown by name.
	const args = issue.args.map( ( a ) =>
		a && typeof a === 'object' && typeof a.name === 'string' ? a.name : a
	);
	return format( ...args ).slice( 0, 2000 );
}

function collectIssues( block, into ) {
	into.set( block.clientId, ( block.validationIssues ?? [] ).map( formatIssue ) );
	for ( const inner of block.innerBlocks ?? [] ) {
		collectIssues( inner, into );
	}
}

const input = JSON.parse( readFileSync( 0, 'utf8' ) );
const results = [];
// {"examples": true}: instead, each registered block type's own example (the preview the inserter shows),
// built and serialized by the editor: {"examples": {"core/name": "<markup>"}} (tests/fidelity_corpus.py).
const examples = {};
for ( const type of input.examples ? blocks.getBlockTypes() : [] ) {
	if ( type.example ) {
		try {
			examples[ type.name ] = blocks.serialize( [ blocks.getBlockFromExample( type.name, type.example ) ] );
		} catch {
			// an example that needs the editor's data stores to build: not a document
		}
	}
}
for ( const markup of input.documents ?? [] ) {
	let parsed;
	try {
		parsed = blocks.parse( markup );
	} catch ( error ) {
		results.push( {
			blocks: [ { name: null, isValid: false, issues: [ `parse threw: ${ error }` ], innerBlocks: [] } ],
			reserialized: null,
		} );
		continue;
	}
	const issues = new Map();
	for ( const block of parsed ) {
		collectIssues( block, issues );
	}
	const described = parsed.map( ( block ) => describe( block, issues ) );
	results.push( { blocks: described, reserialized: blocks.serialize( parsed ) } );
}

const version = ( name ) => require( `${ name }/package.json` ).version;
process.stdout.write(
	JSON.stringify( {
		versions: {
			'@wordpress/blocks': version( '@wordpress/blocks' ),
			'@wordpress/block-library': version( '@wordpress/block-library' ),
			jsdom: version( 'jsdom' ),
		},
		results,
		examples,
	} )
);
