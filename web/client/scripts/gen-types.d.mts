export declare const defaultSchemaDir: string
export declare const outputFile: string
export declare function generate(dir?: string): Promise<string>
