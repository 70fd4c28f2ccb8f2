// Compile MDX pages with the real compiler, many in one process (the oracle of the MDX dialect).
//
// Usage: node scripts/mdx_compile.mjs MODULES  < request.json  > answer.json
//   MODULES: a folder holding node_modules with @mdx-js/mdx, remark-gfm, remark-directive,
//            remark-frontmatter and github-slugger (npm install --prefix .mdx ...).
//   request: a JSON list of pages, each {"text": "...", "path": "name.mdx"}.
//   answer:  a JSON list, one per page: {"error": null | "line:col: message",
//            "ids": [heading ids, github-slugger over each heading's text, as Starlight serves them],
//            "skeleton": the MDX tree without prose (node types, JSX names and attributes,
//            directive names, code, ESM and expressions, link URLs)}.
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const modules = join(process.argv[2], 'node_modules')
const load = async (name, file) => import(pathToFileURL(join(modules, name, file)).href)
const { compile } = await load('@mdx-js/mdx', 'index.js')
const remarkGfm = (await load('remark-gfm', 'index.js')).default
const remarkDirective = (await load('remark-directive', 'index.js')).default
const remarkFrontmatter = (await load('remark-frontmatter', 'index.js')).default
const GithubSlugger = (await load('github-slugger', 'index.js')).default

const PROSE = new Set(['text'])

function skeleton(node) {
  const out = { type: node.type }
  if (node.name) out.name = node.name
  if (node.depth) out.depth = node.depth
  if (node.ordered !== undefined && node.ordered !== null) out.ordered = node.ordered
  if (node.url !== undefined) out.url = node.url
  if (node.lang) out.lang = node.lang
  if (node.type === 'code' || node.type === 'inlineCode' || node.type.startsWith('mdxjs') ||
      node.type === 'mdxFlowExpression' || node.type === 'mdxTextExpression' || node.type === 'yaml' ||
      node.type === 'toml') {
    out.value = node.value
  }
  if (node.attributes && !Array.isArray(node.attributes)) out.attributes = node.attributes // directives
  if (Array.isArray(node.attributes)) {
    out.attributes = node.attributes.map((a) =>
      a.type === 'mdxJsxAttribute'
        ? [a.name, a.value === null ? null : typeof a.value === 'string' ? { string: a.value } : { expression: a.value.value }]
        : ['...', a.value])
  }
  if (node.children) out.children = node.children.filter((c) => !PROSE.has(c.type)).map(skeleton)
  return out
}

function text(node) {
  // The heading's text as Astro's rehypeHeadingIds reads it from MDX: text, code and expressions.
  if (node.type === 'text' || node.type === 'inlineCode' || node.type === 'mdxTextExpression') return node.value
  return (node.children || []).map(text).join('')
}

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const pages = JSON.parse(Buffer.concat(chunks).toString('utf8'))
const answers = []
for (const page of pages) {
  let tree = null
  const ids = []
  const capture = () => (t) => {
    tree = skeleton(t)
    const slugger = new GithubSlugger()
    const walk = (n) => {
      if (n.type === 'heading') ids.push(slugger.slug(text(n)))
      for (const c of n.children || []) walk(c)
    }
    walk(t)
  }
  try {
    await compile(
      { value: page.text, path: page.path || 'page.mdx' },
      { remarkPlugins: [[remarkFrontmatter, ['yaml', 'toml']], remarkGfm, remarkDirective, capture] },
    )
    answers.push({ error: null, ids, skeleton: tree })
  } catch (err) {
    const where = err.line ? `${err.line}:${err.column}: ` : ''
    answers.push({ error: where + String(err.reason || err.message).split('\n')[0], ids: [], skeleton: null })
  }
}
process.stdout.write(JSON.stringify(answers))
