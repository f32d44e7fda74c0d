export { TypeChecker } from './type-checker';
export type { TypeCheckerOptions, CheckInput } from './type-checker';
export { toolDeclarations, anyForUnknown } from './tool-declarations';
export type { NamedTool } from './tool-declarations';
export { lowerLevel } from './types';
export type { TypeDiagnostic, TypecheckOutcome } from './types';
export type { ScriptLanguage } from './native-session';
