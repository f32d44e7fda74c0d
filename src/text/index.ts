export { closestNames, editDistance } from './similar';
